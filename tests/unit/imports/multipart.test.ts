import { headerParameter, MultipartError, parseMultipart } from '../../../src/imports/multipart.js';

const form = (boundary: string, parts: string[]) =>
  Buffer.from(
    `preamble\r\n${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('')}--${boundary}--\r\n`,
    'latin1',
  );

describe('parseMultipart', () => {
  it('when a form carries a file and a text field, then each part keeps its name, filename, type and exact bytes', () => {
    const csv = 'Name,Asset Tag\r\nCaf\xe9,T-1\r\n';
    const body = form('XyZ', [
      'Content-Disposition: form-data; name="file"; filename="assets.csv"\r\nContent-Type: text/csv; charset=windows-1252\r\n\r\n' +
        csv,
      'Content-Disposition: form-data; name="mapping"\r\n\r\n{"Device":"name"}',
    ]);
    const parts = parseMultipart(body, 'multipart/form-data; boundary=XyZ');
    expect(parts.map(({ name, filename, contentType }) => ({ name, filename, contentType }))).toEqual([
      { name: 'file', filename: 'assets.csv', contentType: 'text/csv; charset=windows-1252' },
      { name: 'mapping', filename: null, contentType: null },
    ]);
    expect(parts[0]!.data.equals(Buffer.from(csv, 'latin1'))).toBe(true);
    expect(parts[1]!.data.toString()).toBe('{"Device":"name"}');
  });

  it('when the boundary is quoted and a part body contains boundary-like text, then only the real delimiter splits', () => {
    const body = form('a b', ['Content-Disposition: form-data; name="file"\r\n\r\n--a bc\r\nnot a boundary']);
    const [part] = parseMultipart(body, 'multipart/form-data; boundary="a b"');
    expect(part!.data.toString()).toBe('--a bc\r\nnot a boundary');
  });

  it('when the body is not a complete form, then a MultipartError says what is wrong', () => {
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data')).toThrow(
      new MultipartError('the multipart Content-Type has no boundary'),
    );
    expect(() => parseMultipart(Buffer.from('hello'), 'multipart/form-data; boundary=q')).toThrow(
      /does not contain/,
    );
    expect(() =>
      parseMultipart(
        Buffer.from('--q\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc'),
        'multipart/form-data; boundary=q',
      ),
    ).toThrow(/not closed/);
  });
});

describe('headerParameter', () => {
  it('when a header value has parameters, then each is found by name, quoted or not', () => {
    expect(headerParameter('text/csv; charset=UTF-8', 'charset')).toBe('UTF-8');
    expect(headerParameter('form-data; name="file"; filename="a \\"b\\".csv"', 'filename')).toBe('a "b".csv');
    expect(headerParameter('form-data; filename="x.csv"', 'name')).toBeUndefined();
  });
});
