import {
  type LifecycleContext,
  policiesByCategory,
  refreshClockOf,
} from '../../../../src/domain/refresh-clock.js';
import { aPolicy, anAsset, windowsTenLookup } from '../forecast/builders.js';

const asOf = '2026-03-15';

/** The test catalogue, counting the operating systems it is asked about. */
function countingLookup() {
  const asked: string[] = [];
  const lookup = (operatingSystem: string) => {
    asked.push(operatingSystem);
    return windowsTenLookup(operatingSystem);
  };
  return { lookup, asked };
}

describe('refreshClockOf: lifecycle months', () => {
  const context: LifecycleContext = {
    asOf,
    mspPolicies: {
      laptop: aPolicy('laptop', { lifecycleMonths: 48 }),
      server: aPolicy('server', { lifecycleMonths: 60 }),
    },
    clientPolicies: { laptop: aPolicy('laptop', { lifecycleMonths: 30 }), server: aPolicy('server') },
  };

  it('when the asset has its own lifecycle months, then they win over every policy', () => {
    const clock = refreshClockOf(anAsset({ inServiceOn: '2025-01-10', lifecycleMonths: 24 }), context);
    expect(clock.lifecycleMonths).toBe(24);
    expect(clock.dueOn).toBe('2027-01-10');
  });

  it('when the client has a policy for the category, then it wins over the MSP policy', () => {
    expect(refreshClockOf(anAsset({ inServiceOn: '2025-01-10' }), context).lifecycleMonths).toBe(30);
  });

  it('when the client policy leaves lifecycle months empty, then the MSP policy applies', () => {
    expect(
      refreshClockOf(anAsset({ category: 'server', inServiceOn: '2025-01-10' }), context).lifecycleMonths,
    ).toBe(60);
  });

  it('when no policy covers the category, then the lifecycle is 36 months', () => {
    const clock = refreshClockOf(anAsset({ category: 'firewall', inServiceOn: '2025-01-10' }), context);
    expect(clock.lifecycleMonths).toBe(36);
    expect(clock.dueOn).toBe('2028-01-10');
  });

  it('when a what-if override is set for the category, then it replaces the policies but not the asset override', () => {
    const whatIf: LifecycleContext = { ...context, lifecycleOverrides: { laptop: 48 } };
    expect(refreshClockOf(anAsset({ inServiceOn: '2025-01-10' }), whatIf).lifecycleMonths).toBe(48);
    expect(
      refreshClockOf(anAsset({ inServiceOn: '2025-01-10', lifecycleMonths: 24 }), whatIf).lifecycleMonths,
    ).toBe(24);
  });

  it('when lifecycle months are not a positive whole number, then it throws', () => {
    expect(() =>
      refreshClockOf(anAsset({ inServiceOn: '2025-01-10', lifecycleMonths: 0 }), { asOf }),
    ).toThrow(RangeError);
    expect(() =>
      refreshClockOf(anAsset({ inServiceOn: '2025-01-10' }), { asOf, lifecycleOverrides: { laptop: 1.5 } }),
    ).toThrow(RangeError);
  });

  it('when policies arrive as a list of rows, then policiesByCategory keys them by category', () => {
    const byCategory = policiesByCategory([
      aPolicy('server', { lifecycleMonths: 60 }),
      aPolicy('ups', { lifecycleMonths: 84 }),
    ]);
    expect(byCategory.server?.lifecycleMonths).toBe(60);
    expect(byCategory.ups?.lifecycleMonths).toBe(84);
  });
});

describe('refreshClockOf: due date and reason', () => {
  it('when the in-service date is a month end, then the due date is clamped to the due month end', () => {
    // 2023-05-31 + 9 months = 2024-02-31 → 2024-02-29 (leap year).
    const clock = refreshClockOf(anAsset({ inServiceOn: '2023-05-31', lifecycleMonths: 9 }), { asOf });
    expect(clock.dueOn).toBe('2024-02-29');
    expect(clock.dueReason).toBe('age');
  });

  it('when there is no in-service date, then the purchase date starts the clock', () => {
    expect(refreshClockOf(anAsset({ purchasedOn: '2024-06-01' }), { asOf }).dueOn).toBe('2027-06-01');
  });

  it('when both dates are set, then the in-service date starts the clock', () => {
    const asset = anAsset({ purchasedOn: '2024-01-01', inServiceOn: '2024-06-01' });
    expect(refreshClockOf(asset, { asOf }).dueOn).toBe('2027-06-01');
  });

  it('when the end of support is earlier than the age due date, then it is due at end of support', () => {
    const asset = anAsset({ inServiceOn: '2024-06-01', endOfSupportOn: '2026-10-14' });
    expect(refreshClockOf(asset, { asOf })).toMatchObject({
      dueOn: '2026-10-14',
      dueReason: 'end_of_support',
      endOfSupportOn: '2026-10-14',
      endOfSupportSource: 'asset',
    });
  });

  it('when the end of support falls on the age due date, then the reason is age', () => {
    const asset = anAsset({ inServiceOn: '2024-06-01', endOfSupportOn: '2027-06-01' });
    expect(refreshClockOf(asset, { asOf })).toMatchObject({ dueOn: '2027-06-01', dueReason: 'age' });
  });

  it('when the asset has no end of support but the catalogue knows its operating system, then the catalogue date applies', () => {
    const asset = anAsset({ inServiceOn: '2024-06-01', operatingSystem: 'Windows 10 Pro' });
    expect(refreshClockOf(asset, { asOf, endOfSupportLookup: windowsTenLookup })).toMatchObject({
      dueOn: '2025-10-14',
      dueReason: 'end_of_support',
      status: 'overdue',
      endOfSupportOn: '2025-10-14',
      endOfSupportSource: 'catalogue',
    });
  });

  it('when the asset has its own end of support, then it wins over an earlier catalogue date', () => {
    const asset = anAsset({
      inServiceOn: '2024-06-01',
      operatingSystem: 'Windows 10 Pro',
      endOfSupportOn: '2027-01-01',
    });
    expect(refreshClockOf(asset, { asOf, endOfSupportLookup: windowsTenLookup })).toMatchObject({
      dueOn: '2027-01-01',
      endOfSupportOn: '2027-01-01',
      endOfSupportSource: 'asset',
      osStatus: 'supported',
    });
  });

  it('when the catalogue does not know the operating system, then there is no end of support', () => {
    const asset = anAsset({ inServiceOn: '2024-06-01', operatingSystem: 'Ubuntu 24.04' });
    expect(refreshClockOf(asset, { asOf, endOfSupportLookup: windowsTenLookup })).toMatchObject({
      dueOn: '2027-06-01',
      dueReason: 'age',
      endOfSupportOn: null,
      endOfSupportSource: null,
    });
  });

  it('when many assets share an operating system spelling, then the catalogue is consulted once for it', () => {
    const { lookup, asked } = countingLookup();
    const context: LifecycleContext = { asOf, endOfSupportLookup: lookup };
    for (let i = 0; i < 50; i++)
      refreshClockOf(anAsset({ inServiceOn: '2024-06-01', operatingSystem: 'Windows 10 Pro' }), context);
    refreshClockOf(anAsset({ inServiceOn: '2024-06-01', operatingSystem: 'Windows 11 Pro' }), context);
    expect(asked).toEqual(['Windows 10 Pro', 'Windows 11 Pro']);
  });
});

describe('refreshClockOf: lifecycle status', () => {
  it('when the due date is before asOf, then the asset is overdue', () => {
    expect(refreshClockOf(anAsset({ inServiceOn: '2023-03-14' }), { asOf }).status).toBe('overdue');
  });

  it('when the due date is asOf itself, then the asset is due soon, not overdue', () => {
    expect(refreshClockOf(anAsset({ inServiceOn: '2023-03-15' }), { asOf }).status).toBe('due_soon');
  });

  it('when the due date is exactly the default 180 days ahead, then it is due soon; a day later, ok', () => {
    // asOf + 180 days = 2026-09-11, so an asset in service 36 months earlier (2023-09-11) is due that day.
    expect(refreshClockOf(anAsset({ inServiceOn: '2023-09-11' }), { asOf }).status).toBe('due_soon');
    expect(refreshClockOf(anAsset({ inServiceOn: '2023-09-12' }), { asOf }).status).toBe('ok');
  });

  it('when the client policy sets a due-soon window, then that window applies', () => {
    const context: LifecycleContext = {
      asOf,
      mspPolicies: { laptop: aPolicy('laptop', { dueSoonDays: 365 }) },
      clientPolicies: { laptop: aPolicy('laptop', { dueSoonDays: 30 }) },
    };
    // asOf + 30 days = 2026-04-14.
    expect(refreshClockOf(anAsset({ inServiceOn: '2023-04-14' }), context).status).toBe('due_soon');
    expect(refreshClockOf(anAsset({ inServiceOn: '2023-04-15' }), context).status).toBe('ok');
  });

  it('when the asset has no in-service or purchase date, then it is undated and has no due date', () => {
    const asset = anAsset({ operatingSystem: 'Windows 10 Pro' });
    expect(refreshClockOf(asset, { asOf, endOfSupportLookup: windowsTenLookup })).toEqual({
      lifecycleMonths: 36,
      dueOn: null,
      dueReason: null,
      status: 'undated',
      warrantyStatus: 'unknown',
      endOfSupportOn: '2025-10-14',
      endOfSupportSource: 'catalogue',
      osStatus: 'unsupported',
      osUpdateTo: null,
    });
  });

  it.each(['retired', 'disposed'] as const)(
    'when the asset is %s, then it is inactive with no due date',
    (status) => {
      expect(refreshClockOf(anAsset({ status, inServiceOn: '2020-01-01' }), { asOf })).toMatchObject({
        status: 'inactive',
        dueOn: null,
        dueReason: null,
      });
    },
  );

  it('when the asset is in storage, then its clock still runs', () => {
    expect(
      refreshClockOf(anAsset({ status: 'in_storage', inServiceOn: '2020-01-01' }), { asOf }).status,
    ).toBe('overdue');
  });
});

describe('refreshClockOf: warranty status', () => {
  it.each([
    [null, 'unknown'],
    ['2026-03-14', 'expired'],
    ['2026-03-15', 'expiring'],
    // asOf + 90 days = 2026-06-13.
    ['2026-06-13', 'expiring'],
    ['2026-06-14', 'active'],
  ] as const)('when the warranty expires on %s, then it is %s', (warrantyExpiresOn, status) => {
    expect(refreshClockOf(anAsset({ warrantyExpiresOn }), { asOf }).warrantyStatus).toBe(status);
  });
});
