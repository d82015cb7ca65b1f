import { catalogueVersion, lookupEndOfSupport } from '../../../../src/domain/end-of-support.js';

/** The matched row: its product, edition and release, and its own date (a release row's end of servicing). */
type Expected = [product: string, edition: string | null, release: string | null, rowDate: string | null];

// Spellings as RMM, PSA and asset tools report them (WMI captions, agent strings, /etc/os-release, hypervisors).
const REAL_WORLD_SPELLINGS: ReadonlyArray<[string, Expected]> = [
  // Windows 10 general availability channel
  ['Microsoft Windows 10 Pro', ['Windows 10', null, null, '2025-10-14']],
  ['Windows 10 Pro 22H2', ['Windows 10', null, '22H2', '2025-10-14']],
  ['Windows 10 Pro 10.0.19045', ['Windows 10', null, '22H2', '2025-10-14']],
  ['Windows 10 Pro Version 22H2 (OS Build 19045.4291)', ['Windows 10', null, '22H2', '2025-10-14']],
  ['Microsoft Windows 10 Enterprise', ['Windows 10', null, null, '2025-10-14']],
  ['Windows 10 Home 1909', ['Windows 10', 'Home/Pro', '1909', '2021-05-11']],
  ['Windows 10 Education 1909', ['Windows 10', 'Enterprise/Education', '1909', '2022-05-10']],
  ['Windows 10 Pro Education 1909', ['Windows 10', 'Home/Pro', '1909', '2021-05-11']],
  ['Windows 10 Enterprise 21H2', ['Windows 10', 'Enterprise/Education', '21H2', '2024-06-11']],
  ['Windows 10 Pro 10.0.19044.3086', ['Windows 10', 'Home/Pro', '21H2', '2023-06-13']],
  ['Win10 Pro x64 1803', ['Windows 10', 'Home/Pro', '1803', '2019-11-12']],
  [
    'Windows 10 Enterprise multi-session, version 20H2',
    ['Windows 10', 'Enterprise/Education', '20H2', '2023-05-09'],
  ],
  ['Windows 10 IoT Enterprise 21H2', ['Windows 10', 'Enterprise/Education', '21H2', '2024-06-11']],
  // Windows 10 long-term servicing
  ['Win10 Enterprise LTSC 2021', ['Windows 10', 'Enterprise LTSC', '2021', '2027-01-12']],
  ['Windows 10 Enterprise 2016 LTSB', ['Windows 10', 'Enterprise LTSB', '2016', '2026-10-13']],
  ['Microsoft Windows 10 Enterprise 2015 LTSB', ['Windows 10', 'Enterprise LTSB', '2015', '2025-10-14']],
  ['Windows 10 Enterprise N LTSC 2019', ['Windows 10', 'Enterprise LTSC', '2019', '2029-01-09']],
  ['Windows 10 Enterprise LTSC 10.0.17763', ['Windows 10', 'Enterprise LTSC', '2019', '2029-01-09']],
  ['Windows 10 IoT Enterprise LTSC 2021', ['Windows 10', 'IoT Enterprise LTSC', '2021', '2032-01-13']],
  // Windows 11
  ['Windows 11 Pro 23H2', ['Windows 11', 'Home/Pro', '23H2', '2025-11-11']],
  ['Windows 11 Enterprise 23H2', ['Windows 11', 'Enterprise/Education', '23H2', '2026-11-10']],
  ['Microsoft Windows 11 Home 10.0.22000', ['Windows 11', 'Home/Pro', '21H2', '2023-10-10']],
  ['Windows 11 Pro for Workstations 24H2', ['Windows 11', 'Home/Pro', '24H2', '2026-10-13']],
  ['Windows 11 Education 22H2', ['Windows 11', 'Enterprise/Education', '22H2', '2025-10-14']],
  ['Microsoft Windows 11 Pro 10.0.26200', ['Windows 11', 'Home/Pro', '25H2', '2027-10-12']],
  ['Windows 10 Pro 10.0.22631', ['Windows 11', 'Home/Pro', '23H2', '2025-11-11']],
  ['Windows 11 IoT Enterprise LTSC 2024', ['Windows 11', 'IoT Enterprise LTSC', '2024', '2034-10-10']],
  ['Windows 11 Enterprise LTSC 2024', ['Windows 11', 'Enterprise LTSC', '2024', '2029-10-09']],
  // Older Windows clients
  ['Microsoft Windows 7 Professional Service Pack 1', ['Windows 7', null, null, '2020-01-14']],
  ['Microsoft Windows 8.1 Pro', ['Windows 8.1', null, null, '2023-01-10']],
  ['Windows 8 Enterprise', ['Windows 8', null, null, '2016-01-12']],
  ['Microsoft Windows XP Professional SP3', ['Windows XP', null, null, '2014-04-08']],
  // Windows Server
  ['Windows Server 2016 Standard', ['Windows Server 2016', null, null, '2027-01-12']],
  ['Microsoft Windows Server 2012 R2 Datacenter', ['Windows Server 2012 R2', null, null, '2023-10-10']],
  ['Microsoft Windows Server 2012 Standard', ['Windows Server 2012', null, null, '2023-10-10']],
  ['Windows Server 2012R2 Std', ['Windows Server 2012 R2', null, null, '2023-10-10']],
  ['Windows Server 2008 R2 Enterprise SP1', ['Windows Server 2008 R2', null, null, '2020-01-14']],
  ['Microsoft® Windows Server® 2008 Standard', ['Windows Server 2008', null, null, '2020-01-14']],
  [
    'Microsoft(R) Windows(R) Server 2003, Standard Edition',
    ['Windows Server 2003', null, null, '2015-07-14'],
  ],
  ['Microsoft Windows Server 2019 Datacenter 10.0.17763', ['Windows Server 2019', null, null, '2029-01-09']],
  ['Windows Server 2022 Datacenter: Azure Edition', ['Windows Server 2022', null, null, '2031-10-14']],
  ['Windows Server 2025 Standard Evaluation', ['Windows Server 2025', null, null, '2034-11-14']],
  ['Windows Server Datacenter 10.0.20348', ['Windows Server 2022', null, null, '2031-10-14']],
  ['Windows Server 2012 Standard 6.3.9600', ['Windows Server 2012 R2', null, null, '2023-10-10']],
  ['Windows 2012 R2', ['Windows Server 2012 R2', null, null, '2023-10-10']],
  ['W2K8R2', ['Windows Server 2008 R2', null, null, '2020-01-14']],
  // macOS
  ['macOS Ventura 13.6', ['macOS 13', null, null, '2025-08-20']],
  ['Mac OS X 10.15.7', ['macOS 10.15', null, null, '2022-07-20']],
  ['macOS Catalina', ['macOS 10.15', null, null, '2022-07-20']],
  ['macOS High Sierra 10.13.6', ['macOS 10.13', null, null, '2020-11-12']],
  ['OS X 10.14.6', ['macOS 10.14', null, null, '2021-07-21']],
  ['macOS 14.4.1', ['macOS 14', null, null, '2026-09-15']],
  ['macOS 14.4.1 (23E224)', ['macOS 14', null, null, '2026-09-15']],
  ['macOS Big Sur 11.7.10', ['macOS 11', null, null, '2023-09-11']],
  ['Mac OS X 10.16', ['macOS 11', null, null, '2023-09-11']],
  ['Apple macOS Monterey', ['macOS 12', null, null, '2024-07-29']],
  ['macOS Sequoia 15.3.2', ['macOS 15', null, null, '2027-09-15']],
  ['macOS Tahoe 26.1', ['macOS 26', null, null, '2028-09-15']],
  // Ubuntu
  ['Ubuntu 22.04.4 LTS', ['Ubuntu 22.04 LTS', null, null, '2027-06-01']],
  ['Ubuntu 20.04.6 LTS (Focal Fossa)', ['Ubuntu 20.04 LTS', null, null, '2025-05-29']],
  ['Ubuntu Server 18.04', ['Ubuntu 18.04 LTS', null, null, '2023-05-31']],
  ['ubuntu 16.04', ['Ubuntu 16.04 LTS', null, null, '2021-04-30']],
  ['Ubuntu 14.04.6 LTS, Trusty Tahr', ['Ubuntu 14.04 LTS', null, null, '2019-04-25']],
  ['Ubuntu 24.04 LTS (Noble Numbat)', ['Ubuntu 24.04 LTS', null, null, '2029-05-31']],
  ['Linux 5.15.0-91-generic (Ubuntu 22.04)', ['Ubuntu 22.04 LTS', null, null, '2027-06-01']],
  ['Ubuntu 22.10', ['Ubuntu 22.10', null, null, '2023-07-20']],
  // Red Hat Enterprise Linux
  ['Red Hat Enterprise Linux 8.9 (Ootpa)', ['Red Hat Enterprise Linux 8', null, null, '2029-05-31']],
  ['RHEL 7.9', ['Red Hat Enterprise Linux 7', null, null, '2024-06-30']],
  [
    'Red Hat Enterprise Linux Server release 7.9 (Maipo)',
    ['Red Hat Enterprise Linux 7', null, null, '2024-06-30'],
  ],
  [
    'Red Hat Enterprise Linux Server release 6.10 (Santiago)',
    ['Red Hat Enterprise Linux 6', null, null, '2020-11-30'],
  ],
  ['Red Hat Enterprise Linux 9.4 (Plow) x86_64', ['Red Hat Enterprise Linux 9', null, null, '2032-05-31']],
  ['rhel8', ['Red Hat Enterprise Linux 8', null, null, '2029-05-31']],
];

describe('lookupEndOfSupport', () => {
  test.each(REAL_WORLD_SPELLINGS)(
    'when an asset reports "%s", then the catalogue row is %j',
    (operatingSystem, [product, edition, release, rowDate]) => {
      const match = lookupEndOfSupport(operatingSystem);
      expect(match).toMatchObject({ product, edition, release, catalogueVersion });
      expect(match?.kind === 'release' ? match.endOfServicingOn : match?.endOfSupportOn).toBe(rowDate);
    },
  );

  test('when the spelling table is counted, then it covers at least forty real-world spellings', () => {
    expect(REAL_WORLD_SPELLINGS.length).toBeGreaterThanOrEqual(40);
  });

  test.each([
    ['', 'empty text'],
    ['   ', 'blank text'],
    ['Unknown', 'a placeholder'],
    ['Windows', 'Windows without a version'],
    ['Windows 10.0.19045', 'a bare NT version that could be client or server'],
    ['Windows 10 IoT Core', 'Windows 10 IoT Core, which is not IoT Enterprise'],
    ['Windows 10 Mobile', 'Windows 10 Mobile'],
    ['Windows Embedded Standard 7', 'embedded Windows'],
    ['Windows 10 Pro 24H2', 'a Windows 11 release on Windows 10'],
    ['Windows 10 Server', 'Windows 10 labelled as a server'],
    ['Windows Server, version 1809', 'a Windows Server semi-annual release'],
    ['Windows Server 2016 or later (64-bit)', "a hypervisor's open-ended guest type"],
    ['Windows Small Business Server 2011', 'Small Business Server'],
    ['Windows 2000 Professional', 'Windows 2000'],
    ['macOS', 'macOS without a version'],
    ['macOS Sierra 10.12.6', 'a macOS release older than the catalogue'],
    ['macOS Ventura 14.1', 'a codename that contradicts the version'],
    ['iOS 17.4', 'iOS'],
    ['iPadOS 17', 'iPadOS'],
    ['Ubuntu 19.10', 'an Ubuntu interim release outside the catalogue'],
    ['Kubuntu 22.04', 'an Ubuntu flavour with three-year support'],
    ['Ubuntu MATE 22.04 LTS', 'an Ubuntu flavour named with a space'],
    ['Ubuntu Core 22', 'Ubuntu Core'],
    ['CentOS Linux 7 (Core)', 'CentOS'],
    ['Red Hat Linux 9', 'pre-Enterprise Red Hat Linux'],
    ['Red Hat Enterprise Linux CoreOS 414.92', 'RHEL CoreOS'],
    ['Debian GNU/Linux 12 (bookworm)', 'Debian'],
    ['VMware ESXi 8.0.2', 'a hypervisor'],
    ['Windows 11 Pro 22H1', 'a Windows release that never existed'],
    ['Windows 10 Enterprise LTSC 2024', 'a Windows 11 LTSC year on Windows 10'],
  ])('when an asset reports "%s" (%s), then there is no match', (operatingSystem) => {
    expect(lookupEndOfSupport(operatingSystem)).toBeNull();
  });

  test('when the text is missing, then there is no match', () => {
    expect(lookupEndOfSupport(null)).toBeNull();
    expect(lookupEndOfSupport(undefined)).toBeNull();
  });

  test('when the text is longer than any operating system name, then it is refused without matching', () => {
    expect(lookupEndOfSupport(`Windows Server 2016 ${'x'.repeat(600)}`)).toBeNull();
  });

  test('when spellings differ only in case, spacing and punctuation, then they share one result object', () => {
    const first = lookupEndOfSupport('Microsoft Windows Server 2019 Standard');
    expect(first).not.toBeNull();
    expect(lookupEndOfSupport('  MICROSOFT   windows server 2019 standard ')).toBe(first);
    expect(lookupEndOfSupport('Microsoft_Windows-Server 2019, Standard')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  test('when more distinct spellings arrive than the cache holds, then earlier ones still resolve', () => {
    const first = lookupEndOfSupport('Ubuntu 20.04.6 LTS');
    for (let index = 0; index < 10_050; index += 1) lookupEndOfSupport(`custom appliance firmware ${index}`);
    expect(lookupEndOfSupport('Ubuntu 20.04.6 LTS')).toBe(first);
    expect(first?.endOfServicingOn).toBe('2025-05-29');
  });

  test('when "Windows Server 2012" and "2012 R2" are looked up, then each gets its own product', () => {
    expect(lookupEndOfSupport('Windows Server 2012 Datacenter')?.product).toBe('Windows Server 2012');
    expect(lookupEndOfSupport('Windows Server 2012 R2 Datacenter')?.product).toBe('Windows Server 2012 R2');
  });

  test('when Ubuntu 22.04 and 22.10 are looked up, then the interim release is not mistaken for the LTS', () => {
    expect(lookupEndOfSupport('Ubuntu 22.04')?.product).toBe('Ubuntu 22.04 LTS');
    expect(lookupEndOfSupport('Ubuntu 22.10')?.product).toBe('Ubuntu 22.10');
    expect(lookupEndOfSupport('Ubuntu 22.10')?.endOfServicingOn).toBe('2023-07-20');
  });

  describe('product end of support and release end of servicing', () => {
    test('when a Windows 11 release is out of servicing, then the product goes on and the remedy is 25H2', () => {
      expect(lookupEndOfSupport('Windows 11 Pro 23H2')).toMatchObject({
        kind: 'release',
        endOfSupportOn: null,
        endOfServicingOn: '2025-11-11',
        updateTo: 'Windows 11 25H2',
      });
      expect(lookupEndOfSupport('Windows 11 Enterprise 21H2')).toMatchObject({
        kind: 'release',
        endOfServicingOn: '2024-10-08',
        updateTo: 'Windows 11 25H2',
      });
    });

    test('when a Windows 10 feature release is looked up, then it ends with Windows 10 and updates to 22H2', () => {
      expect(lookupEndOfSupport('Windows 10 Pro 21H2')).toMatchObject({
        kind: 'release',
        endOfSupportOn: '2025-10-14',
        endOfServicingOn: '2023-06-13',
        updateTo: 'Windows 10 22H2',
      });
      expect(lookupEndOfSupport('Windows 10 Pro 22H2')).toMatchObject({
        kind: 'release',
        endOfSupportOn: '2025-10-14',
        updateTo: null,
      });
    });

    test('when a server, an LTSC or RHEL is looked up, then its date is a product end of support', () => {
      for (const text of [
        'Windows Server 2016 Standard',
        'Win10 Enterprise LTSC 2021',
        'Red Hat Enterprise Linux 7.9',
      ]) {
        expect(lookupEndOfSupport(text)).toMatchObject({
          kind: 'product',
          endOfServicingOn: null,
          updateTo: null,
        });
      }
    });

    test('when macOS or Ubuntu is looked up, then it is a release with a newer one to update to', () => {
      expect(lookupEndOfSupport('macOS Ventura 13.6')).toMatchObject({
        kind: 'release',
        endOfSupportOn: null,
        endOfServicingOn: '2025-08-20',
        updateTo: 'macOS 26',
      });
      expect(lookupEndOfSupport('Ubuntu 22.04.4 LTS')).toMatchObject({
        kind: 'release',
        endOfServicingOn: '2027-06-01',
        updateTo: 'Ubuntu 24.04 LTS',
      });
      expect(lookupEndOfSupport('Ubuntu 23.10')).toMatchObject({ updateTo: 'Ubuntu 24.04 LTS' });
      expect(lookupEndOfSupport('macOS Tahoe 26.1')).toMatchObject({ kind: 'release', updateTo: null });
    });
  });

  describe('conventions when the text is less specific than the catalogue', () => {
    test('when Windows 10 has no release, then the Windows 10 product end of support applies to every edition', () => {
      for (const text of [
        'Windows 10 Home',
        'Windows 10 Pro',
        'Windows 10 Enterprise',
        'Windows 10 Education',
      ]) {
        expect(lookupEndOfSupport(text)).toMatchObject({
          kind: 'product',
          release: null,
          endOfSupportOn: '2025-10-14',
          endOfServicingOn: null,
          updateTo: null,
        });
      }
    });

    test('when Windows 11 has no release, then it is the product, with no end of support announced', () => {
      for (const text of ['Microsoft Windows 11 Pro', 'Microsoft Windows 11 Enterprise']) {
        expect(lookupEndOfSupport(text)).toMatchObject({
          product: 'Windows 11',
          kind: 'product',
          release: null,
          endOfSupportOn: null,
          endOfServicingOn: null,
        });
      }
    });

    test('when Windows 11 names no edition, then the shorter Home/Pro servicing applies', () => {
      expect(lookupEndOfSupport('Windows 11 23H2')).toMatchObject({
        edition: 'Home/Pro',
        endOfServicingOn: '2025-11-11',
      });
    });

    test('when Windows 10 reports the frozen ReleaseId 2009, then it is treated as an unknown release', () => {
      expect(lookupEndOfSupport('Windows 10 Pro, version 2009')).toMatchObject({
        kind: 'product',
        release: null,
      });
    });

    test('when an LTSC has no year or build, then the earliest-ending LTSC release applies', () => {
      expect(lookupEndOfSupport('Windows 10 Enterprise LTSC')).toMatchObject({
        release: '2021',
        endOfSupportOn: '2027-01-12',
      });
      expect(lookupEndOfSupport('Windows 10 IoT Enterprise LTSC')).toMatchObject({
        release: '2019',
        endOfSupportOn: '2029-01-09',
      });
    });

    test('when macOS is still supported, then the date is an estimate from the third-successor convention', () => {
      expect(lookupEndOfSupport('macOS Sonoma 14.7')).toMatchObject({ estimated: true });
      expect(lookupEndOfSupport('macOS Ventura 13.7.8')).toMatchObject({ estimated: false });
    });
  });
});
