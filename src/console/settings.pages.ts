import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { scopeCovers } from '../auth/scopes.js';
import type { MultipartLimits } from '../http/multipart.js';
import { requiredText, text } from '../http/schemas.js';
import { changeMsp, getMsp, getMspLogo } from '../msps/msp.service.js';
import { LOGO_MAX_BYTES, logoForStorage } from '../packets/logo.js';
import { defaultFooter } from '../packets/packet.copy.js';
import { contrastOnWhiteText, packetTheme, type PacketTheme } from '../packets/packet-theme.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import { uploadedFile } from './console-multipart.js';
import type { LayoutView } from './console-templates.js';
import { SETTINGS_SECTIONS, settingsNav, type SettingsNavView } from './settings-nav.js';

export interface SettingsView extends LayoutView {
  settingsNav: SettingsNavView;
  sections: { href: string; label: string; summary: string }[];
}

/** What the branding form holds: as typed when it is shown again with an error, as stored otherwise. */
interface BrandingForm {
  name: string;
  accentColor: string;
  footerText: string;
}

type BrandingField = keyof BrandingForm | 'logo';

export interface BrandingView extends LayoutView {
  settingsNav: SettingsNavView;
  notice: string | null;
  form: BrandingForm;
  errors: Record<BrandingField, string | null>;
  hasErrors: boolean;
  /** Facts for readers who cannot edit. */
  facts: { label: string; value: string }[];
  hasLogo: boolean;
  contrast: { ratio: string; warning: string | null };
  preview: BrandingPreview;
  /** Whether the preview shows values typed but not saved. */
  unsaved: boolean;
  logoMaxKb: number;
}

/** A sample of the packet's cover and a table, drawn with the theme a packet gets from these values. */
export interface BrandingPreview {
  theme: PacketTheme;
  mspName: string;
  logoSrc: string | null;
  footer: string;
  clientName: string;
  period: string;
  rows: { y: number; textY: number; band: boolean; label: string; capex: string; opex: string }[];
  bars: { x: number; capexY: number; capexHeight: number; opexY: number; opexHeight: number }[];
}

/** Console forms that upload a file, with their limits (the logo's, and room for the form's own fields). */
export const CONSOLE_UPLOADS: Readonly<Record<string, MultipartLimits>> = {
  '/settings/branding/logo': { maxBytes: LOGO_MAX_BYTES + 16 * 1024, maxFiles: 1, maxFields: 2 },
};

/** Console addresses that answer an image rather than a page. */
export const CONSOLE_IMAGES = /^\/settings\/branding\/logo$/;

type Msp = Awaited<ReturnType<typeof getMsp>>;

const PREVIEW_CLIENT = 'Northwind Dental';

const BRANDING_NOTICES: Record<string, string> = {
  saved: 'Branding saved. Packets generated from now on carry it.',
  logo: 'Logo saved.',
  'logo-removed': 'Logo removed. Packets show the MSP’s name alone.',
};

const brandingBody = z.object({
  name: requiredText(200),
  accentColor: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb, such as #1f4e79')
    .transform((value) => value.toLowerCase()),
  footerText: text(500),
});

function brandingPreview(
  values: { name: string; accentColor: string; footerText: string | null },
  logoSrc: string | null,
): BrandingPreview {
  const rows = [
    ['FY2027 Q1', '$18,400', '$2,150'],
    ['FY2027 Q2', '$6,900', '$2,150'],
    ['FY2027 Q3', '$24,100', '$2,310'],
  ] as const;
  const heights = [
    [46, 12],
    [18, 12],
    [60, 13],
    [30, 13],
  ] as const;
  return {
    theme: packetTheme(values.accentColor),
    mspName: values.name,
    logoSrc,
    footer: values.footerText ?? defaultFooter(values.name, PREVIEW_CLIENT),
    clientName: PREVIEW_CLIENT,
    period: 'FY2027 Q1 – FY2028 Q4',
    rows: rows.map(([label, capex, opex], index) => ({
      y: 28 + index * 24,
      textY: 44 + index * 24,
      band: index % 2 === 1,
      label,
      capex,
      opex,
    })),
    bars: heights.map(([capex, opex], index) => ({
      x: 300 + index * 24,
      capexY: 100 - capex - opex,
      capexHeight: capex,
      opexY: 100 - opex,
      opexHeight: opex,
    })),
  };
}

function contrastOf(accentColor: string): BrandingView['contrast'] {
  const ratio = contrastOnWhiteText(accentColor);
  const shown = `${ratio.toFixed(1)}:1`;
  let warning: string | null = null;
  if (ratio < 4.5) {
    warning =
      packetTheme(accentColor).onAccent === '#ffffff'
        ? `White text on this colour has a contrast of ${shown}, below the 4.5:1 that reads easily, and packets ` +
          'print white text on it (table headings). Choose a darker colour.'
        : `White text on this colour has a contrast of ${shown}, below 4.5:1: packets print dark text on it ` +
          'instead, and darken it for text on white.';
  }
  return { ratio: shown, warning };
}

const NO_ERRORS: Record<BrandingField, string | null> = {
  name: null,
  accentColor: null,
  footerText: null,
  logo: null,
};

/** The logo's address for the preview; the stored MSP's update time keeps a changed logo from being cached. */
const logoSrcOf = (msp: Msp): string | null =>
  msp.hasLogo ? `/settings/branding/logo?v=${encodeURIComponent(msp.updatedAt)}` : null;

export function settingsPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;

  router.get('/settings', (_req, res) => {
    const auth = sessionOf(res).principal;
    sendPage<SettingsView>(res, 200, 'settings', {
      ...layoutOf(res, 'Settings', '/settings'),
      settingsNav: settingsNav(auth, 'overview'),
      sections: SETTINGS_SECTIONS.filter((item) => scopeCovers(auth.scope, item.scope)).map((item) => ({
        href: item.href,
        label: item.label,
        summary: item.summary,
      })),
    });
  });

  function sendBranding(
    res: Response,
    status: number,
    msp: Msp,
    options: {
      form?: BrandingForm;
      errors?: Partial<Record<BrandingField, string>>;
      notice?: string | null;
      previewValues?: { name: string; accentColor: string; footerText: string | null };
    } = {},
  ): void {
    const auth = sessionOf(res).principal;
    const form = options.form ?? {
      name: msp.name,
      accentColor: msp.accentColor,
      footerText: msp.footerText ?? '',
    };
    const errors = { ...NO_ERRORS, ...options.errors };
    const previewValues = options.previewValues ?? {
      name: msp.name,
      accentColor: msp.accentColor,
      footerText: msp.footerText,
    };
    sendPage<BrandingView>(res, status, 'settings-branding', {
      ...layoutOf(res, 'Branding', '/settings/branding'),
      settingsNav: settingsNav(auth, 'branding'),
      notice: options.notice ?? null,
      form,
      errors,
      hasErrors: Object.values(errors).some((error) => error !== null),
      facts: [
        { label: 'Name on packets', value: msp.name },
        { label: 'Accent colour', value: msp.accentColor },
        { label: 'Footer', value: msp.footerText ?? `The default: ${defaultFooter(msp.name, '<client>')}` },
        { label: 'Logo', value: msp.hasLogo ? 'Uploaded' : 'None (the name alone)' },
      ],
      hasLogo: msp.hasLogo,
      contrast: contrastOf(previewValues.accentColor),
      preview: brandingPreview(previewValues, logoSrcOf(msp)),
      unsaved: options.previewValues !== undefined,
      logoMaxKb: LOGO_MAX_BYTES / 1024,
    });
  }

  router.get('/settings/branding', async (req, res) => {
    const msp = await getMsp(db, sessionOf(res).principal);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    sendBranding(res, 200, msp, { notice: BRANDING_NOTICES[done] ?? null });
  });

  // Saves the name, accent and footer; "Preview" shows them on the sample without saving anything.
  router.post('/settings/branding', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const body = req.body as Record<string, unknown>;
    const form: BrandingForm = {
      name: typeof body.name === 'string' ? body.name : '',
      accentColor: typeof body.accentColor === 'string' ? body.accentColor : '',
      footerText: typeof body.footerText === 'string' ? body.footerText : '',
    };
    const parsed = brandingBody.safeParse(form);
    const msp = await getMsp(db, auth);
    if (!parsed.success) {
      const errors: Partial<Record<BrandingField, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof BrandingForm;
        errors[field] ??= issue.message;
      }
      sendBranding(res, 422, msp, { form, errors });
      return;
    }
    if (body.intent === 'preview') {
      sendBranding(res, 200, msp, { form, previewValues: parsed.data });
      return;
    }
    await changeMsp(db, auth, parsed.data);
    res.redirect(303, '/settings/branding?done=saved');
  });

  // A multipart form: the router read it (and checked its form token before the file) before this runs.
  router.post('/settings/branding/logo', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const file = uploadedFile(req, 'logo');
    const msp = await getMsp(db, auth);
    if (!file || file.data.byteLength === 0) {
      sendBranding(res, 422, msp, { errors: { logo: 'Choose a PNG or SVG file to upload.' } });
      return;
    }
    const checked = logoForStorage(file.contentType ?? '', file.data);
    if (!checked.ok) {
      sendBranding(res, 422, msp, { errors: { logo: `The file ${checked.message}.` } });
      return;
    }
    await changeMsp(db, auth, { logo: { mime: checked.mime, data: checked.data } });
    res.redirect(303, '/settings/branding?done=logo');
  });

  router.post('/settings/branding/logo/remove', async (_req, res) => {
    const auth = requireScope(res, 'admin');
    await changeMsp(db, auth, { logo: null });
    res.redirect(303, '/settings/branding?done=logo-removed');
  });

  // The logo as an image for the preview (the console's CSP allows images from the app only). Served as the API
  // serves it: a PNG (SVGs are rasterised on upload) with a policy that keeps it inert opened on its own.
  router.get('/settings/branding/logo', async (_req, res) => {
    const logo = await getMspLogo(db, sessionOf(res).principal);
    res
      .status(200)
      .type(logo.mime)
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Cache-Control', 'private, no-cache')
      .end(logo.data);
  });

  return router;
}
