import { headerParameter } from '../../../src/http/multipart.js';

describe('headerParameter', () => {
  it('when a header value has parameters, then each is found by name, quoted or not', () => {
    expect(headerParameter('text/csv; charset=UTF-8', 'charset')).toBe('UTF-8');
    expect(headerParameter('form-data; name="file"; filename="a \\"b\\".csv"', 'filename')).toBe('a "b".csv');
    expect(headerParameter('form-data; filename="x.csv"', 'name')).toBeUndefined();
  });
});
