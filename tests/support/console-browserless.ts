/**
 * A tiny browser without a browser, for console tests over HTTP: it keeps cookies, follows nothing by itself and
 * reads the form token out of the page, as a browser's form would send it.
 */
export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export class ConsoleVisitor {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
  }

  async get(path: string): Promise<PageResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: this.cookieHeader() },
    });
    this.remember(response);
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: response.headers.get('location'),
    };
  }

  async post(path: string, fields: Record<string, string>): Promise<PageResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: this.cookieHeader(),
      },
      body: new URLSearchParams(fields).toString(),
    });
    this.remember(response);
    return {
      status: response.status,
      headers: response.headers,
      html: await response.text(),
      location: response.headers.get('location'),
    };
  }

  /** The form token a page's forms carry. */
  static formToken(html: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error('the page has no form token');
    return token;
  }

  async signIn(email: string, password: string): Promise<PageResponse> {
    const form = await this.get('/sign-in');
    return this.post('/sign-in', { _csrf: ConsoleVisitor.formToken(form.html), email, password, next: '/' });
  }

  /** Sends a form from a page, with that page's form token. */
  async submit(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<PageResponse> {
    const page = await this.get(pagePath);
    return this.post(action, { _csrf: ConsoleVisitor.formToken(page.html), ...fields });
  }
}
