import { isDatabaseUnavailable } from '../../../src/db/connection-errors.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('which database errors mean the database is out of reach', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    [
      'a server shutting down (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', withCode('08006')],
    ['no connection slots left (53300)', withCode('53300')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a connection timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool that waited too long', new Error('timeout exceeded when trying to connect')],
    ['a refusal on every address of a name', new AggregateError([withCode('ECONNREFUSED')], '')],
  ])('when it is %s, then it is', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['a plain error', new Error('something else')],
    ['not an error', 'ECONNREFUSED'],
  ])('when it is %s, then it is not', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
