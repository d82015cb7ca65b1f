import { matchByName, NameMatchError } from '../../../src/shared/name-match.js';

describe('finding an MSP or a client by what the operator typed', () => {
  const msps = [
    { id: '00000000-0000-4000-8000-000000000001', name: 'Northwind IT' },
    { id: '00000000-0000-4000-8000-000000000002', name: 'Northgate Support' },
    { id: '00000000-0000-4000-8000-000000000003', name: 'Acme IT' },
    { id: '00000000-0000-4000-8000-000000000004', name: 'Acme IT Services' },
  ];
  const options = { noun: 'MSP', hint: 'Give more of the name.', listHint: 'See `msp list`.' };
  const find = (typed: string) => matchByName(msps, typed, options).name;
  const failure = (typed: string) => {
    try {
      matchByName(msps, typed, options);
    } catch (error) {
      expect(error).toBeInstanceOf(NameMatchError);
      return (error as Error).message;
    }
    throw new Error(`'${typed}' matched`);
  };

  it('when the whole name is typed in any case, then it is found, even when it is the start of another name', () => {
    expect(find('northwind it')).toBe('Northwind IT');
    expect(find('ACME IT')).toBe('Acme IT');
  });

  it('when the id is typed, then it is found', () => {
    expect(find('00000000-0000-4000-8000-000000000002')).toBe('Northgate Support');
  });

  it('when the start of exactly one name is typed, then that one is found', () => {
    expect(find('northw')).toBe('Northwind IT');
    expect(find('  Northg ')).toBe('Northgate Support');
  });

  it('when the start of several names is typed, then it fails listing them', () => {
    expect(failure('north')).toBe(
      "2 MSPs match 'north': Northgate Support, Northwind IT. Give more of the name.",
    );
  });

  it('when nothing starts that way, then it suggests names that hold it or are a typo away, or says where to look', () => {
    expect(failure('wind')).toBe("No MSP matches 'wind'. Did you mean: Northwind IT?");
    expect(failure('nortwind')).toBe("No MSP matches 'nortwind'. Did you mean: Northwind IT?");
    expect(failure('globex')).toBe("No MSP matches 'globex'. See `msp list`.");
    expect(failure('  ')).toBe("Give the MSP's name or id");
  });

  it('when names are the same in different places, then describe tells them apart', () => {
    const clients = [
      { id: 'a', name: 'Bright Smile Dental', msp: 'Acme IT' },
      { id: 'b', name: 'Bright Smile Dental', msp: 'Northwind IT' },
    ];
    expect(() =>
      matchByName(clients, 'bright', {
        noun: 'client',
        hint: 'Name the MSP with --msp.',
        listHint: '',
        describe: (client) => `${client.name} (${client.msp})`,
      }),
    ).toThrow(
      "2 clients match 'bright': Bright Smile Dental (Acme IT), Bright Smile Dental (Northwind IT). Name the MSP with --msp.",
    );
  });
});
