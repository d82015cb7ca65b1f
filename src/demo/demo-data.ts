import { addMonths, formatISO, parseISO, subDays, subMonths } from 'date-fns';

/**
 * A deterministic demo book of business: three clients whose inventories, policies, recurring costs and
 * initiatives look like what an MSP really manages. Dates are relative to `today` so the demo always has assets
 * overdue, due soon and fine. Pure: it returns plain values and touches nothing.
 */

export type DemoCategory =
  | 'desktop'
  | 'laptop'
  | 'server'
  | 'virtual_host'
  | 'network_switch'
  | 'firewall'
  | 'wireless_ap'
  | 'storage'
  | 'backup_appliance'
  | 'ups'
  | 'printer'
  | 'phone_system'
  | 'mobile'
  | 'peripheral'
  | 'software'
  | 'other';

export interface DemoAsset {
  name: string;
  category: DemoCategory;
  manufacturer: string;
  model: string;
  serialNumber: string;
  assetTag: string;
  location: string;
  assignedTo: string | null;
  operatingSystem: string | null;
  purchasedOn: string | null;
  inServiceOn: string | null;
  warrantyExpiresOn: string | null;
  purchaseCost: number | null;
  replacementCost: number | null;
  status: 'active' | 'in_storage' | 'retired' | 'disposed';
  externalSource: string;
  externalId: string;
}

export interface DemoPolicy {
  category: DemoCategory;
  lifecycleMonths: number | null;
  replacementCost: number | null;
  annualEscalationBps: number | null;
  dueSoonDays: number | null;
}

export interface DemoRecurringCost {
  name: string;
  vendor: string;
  amount: number;
  quantity: number;
  interval: 'month' | 'year';
  startsOn: string;
  endsOn: string | null;
  annualEscalationBps: number;
}

export interface DemoInitiative {
  title: string;
  summary: string;
  priority: 'low' | 'medium' | 'high' | 'critical';
  targetOn: string;
  capexCost: number;
  monthlyOpexCost: number;
  opexMonths: number | null;
  status: 'proposed' | 'approved' | 'in_progress' | 'completed' | 'declined' | 'deferred';
  /** What it does to its linked assets (SPEC §3): replaces them, upgrades their OS, or only refers to them. */
  kind: 'replacement' | 'upgrade' | 'project';
  /** Which assets it acts on or refers to: the oldest (by in-service date) that match, at most `limit` (5). */
  links: DemoLinks | null;
  decisions: {
    decision: 'approved' | 'declined' | 'deferred';
    decidedBy: string;
    role: string;
    note: string;
    daysAgo: number;
  }[];
}

export interface DemoLinks {
  category: DemoCategory;
  operatingSystem?: RegExp;
  model?: RegExp;
  limit?: number;
}

export interface DemoClient {
  name: string;
  currency: string;
  fiscalYearStartMonth: number;
  contactName: string;
  contactEmail: string;
  vcioName: string;
  nextMeetingOn: string;
  notes: string;
  policies: DemoPolicy[];
  assets: DemoAsset[];
  recurringCosts: DemoRecurringCost[];
  initiatives: DemoInitiative[];
}

export interface DemoBook {
  mspName: string;
  mspPolicies: DemoPolicy[];
  clients: DemoClient[];
}

/** A small seeded generator (mulberry32) so that the same day always gives the same demo. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Blueprint {
  category: DemoCategory;
  count: number;
  manufacturer: string;
  models: string[];
  operatingSystems: (string | null)[];
  /** Purchase cost range in cents. */
  cost: [number, number];
  /** Age range in months at `today`. */
  ageMonths: [number, number];
  warrantyMonths: number;
  prefix: string;
  assigned?: boolean;
}

const firstNames = [
  'Ava',
  'Ben',
  'Carla',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Iris',
  'Jonah',
  'Keiko',
  'Luis',
  'Maya',
  'Nate',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Yara',
  'Zoe',
];
const lastNames = [
  'Alvarez',
  'Brooks',
  'Chen',
  'Duarte',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ito',
  'Jensen',
  'Khan',
  'Lopez',
  'Murphy',
  'Nguyen',
  'Okafor',
  'Patel',
  'Reyes',
  'Schmidt',
  'Tanaka',
  'Walsh',
];

function iso(date: Date): string {
  return formatISO(date, { representation: 'date' });
}

function buildAssets(
  next: () => number,
  today: string,
  clientCode: string,
  locations: string[],
  blueprints: Blueprint[],
): DemoAsset[] {
  const base = parseISO(today);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const between = (low: number, high: number) => Math.round(low + next() * (high - low));
  const assets: DemoAsset[] = [];
  let sequence = 1000;
  for (const blueprint of blueprints) {
    for (let index = 0; index < blueprint.count; index += 1) {
      sequence += 1;
      const ageMonths = between(blueprint.ageMonths[0], blueprint.ageMonths[1]);
      const purchased = subDays(subMonths(base, ageMonths), between(0, 27));
      const inService = subDays(purchased, -between(3, 21));
      const undated = next() < 0.03;
      const unpriced = next() < 0.04;
      const cost = between(blueprint.cost[0] / 100, blueprint.cost[1] / 100) * 100;
      const roll = next();
      const status = roll < 0.04 ? 'in_storage' : roll < 0.07 ? 'retired' : 'active';
      const person = `${pick(firstNames)} ${pick(lastNames)}`;
      const tag = `${clientCode}-${sequence}`;
      assets.push({
        name: blueprint.assigned
          ? `${blueprint.prefix}-${person.split(' ')[1]!.toUpperCase()}-${sequence % 100}`
          : `${blueprint.prefix}-${String(index + 1).padStart(2, '0')}`,
        category: blueprint.category,
        manufacturer: blueprint.manufacturer,
        model: pick(blueprint.models),
        serialNumber: `${blueprint.manufacturer.slice(0, 2).toUpperCase()}${Math.floor(next() * 1e9)
          .toString(36)
          .toUpperCase()}`,
        assetTag: tag,
        location: pick(locations),
        assignedTo: blueprint.assigned ? person : null,
        operatingSystem: pick(blueprint.operatingSystems),
        purchasedOn: undated ? null : iso(purchased),
        inServiceOn: undated || next() < 0.3 ? null : iso(inService),
        warrantyExpiresOn: undated ? null : iso(addMonths(purchased, blueprint.warrantyMonths)),
        purchaseCost: unpriced ? null : cost,
        replacementCost: null,
        status,
        externalSource: 'demo-rmm',
        externalId: tag,
      });
    }
  }
  return assets;
}

export function buildDemoBook(today: string): DemoBook {
  const next = random(20261122);
  const base = parseISO(today);
  const day = (offsetDays: number) => iso(subDays(base, -offsetDays));
  const month = (offsetMonths: number) => iso(addMonths(base, offsetMonths));

  const mspPolicies: DemoPolicy[] = [
    {
      category: 'desktop',
      lifecycleMonths: 60,
      replacementCost: 110_000,
      annualEscalationBps: 300,
      dueSoonDays: 180,
    },
    {
      category: 'laptop',
      lifecycleMonths: 48,
      replacementCost: 145_000,
      annualEscalationBps: 300,
      dueSoonDays: 180,
    },
    {
      category: 'server',
      lifecycleMonths: 60,
      replacementCost: 950_000,
      annualEscalationBps: 400,
      dueSoonDays: 270,
    },
    {
      category: 'network_switch',
      lifecycleMonths: 84,
      replacementCost: 280_000,
      annualEscalationBps: 300,
      dueSoonDays: 180,
    },
    {
      category: 'firewall',
      lifecycleMonths: 60,
      replacementCost: 320_000,
      annualEscalationBps: 300,
      dueSoonDays: 180,
    },
    {
      category: 'wireless_ap',
      lifecycleMonths: 72,
      replacementCost: 65_000,
      annualEscalationBps: 300,
      dueSoonDays: 180,
    },
    {
      category: 'ups',
      lifecycleMonths: 60,
      replacementCost: 90_000,
      annualEscalationBps: 200,
      dueSoonDays: 120,
    },
    {
      category: 'printer',
      lifecycleMonths: 72,
      replacementCost: 120_000,
      annualEscalationBps: 200,
      dueSoonDays: 120,
    },
    {
      category: 'mobile',
      lifecycleMonths: 36,
      replacementCost: 90_000,
      annualEscalationBps: 200,
      dueSoonDays: 90,
    },
  ];

  const windowsDesktops = [
    'Windows 11 Pro 23H2',
    'Windows 11 Pro 24H2',
    'Windows 10 Pro 22H2',
    'Microsoft Windows 10 Pro',
  ];
  const dental = buildAssets(
    next,
    today,
    'BSD',
    ['Front desk', 'Operatory 1', 'Operatory 2', 'Operatory 3', 'Back office'],
    [
      {
        category: 'desktop',
        count: 14,
        manufacturer: 'Dell',
        models: ['OptiPlex 7010', 'OptiPlex 7090', 'OptiPlex 5000'],
        operatingSystems: windowsDesktops,
        cost: [85_000, 125_000],
        ageMonths: [6, 78],
        warrantyMonths: 36,
        prefix: 'BSD-WS',
      },
      {
        category: 'laptop',
        count: 4,
        manufacturer: 'Lenovo',
        models: ['ThinkPad T14 Gen 3', 'ThinkPad X1 Carbon Gen 10'],
        operatingSystems: windowsDesktops,
        cost: [120_000, 185_000],
        ageMonths: [4, 60],
        warrantyMonths: 36,
        prefix: 'BSD-LT',
        assigned: true,
      },
      {
        category: 'server',
        count: 1,
        manufacturer: 'Dell',
        models: ['PowerEdge T350'],
        operatingSystems: ['Windows Server 2016 Standard'],
        cost: [780_000, 780_000],
        ageMonths: [66, 66],
        warrantyMonths: 60,
        prefix: 'BSD-SRV',
      },
      {
        category: 'firewall',
        count: 1,
        manufacturer: 'Fortinet',
        models: ['FortiGate 60F'],
        operatingSystems: [null],
        cost: [95_000, 95_000],
        ageMonths: [40, 40],
        warrantyMonths: 36,
        prefix: 'BSD-FW',
      },
      {
        category: 'network_switch',
        count: 2,
        manufacturer: 'Ubiquiti',
        models: ['USW-Pro-24-PoE'],
        operatingSystems: [null],
        cost: [69_900, 69_900],
        ageMonths: [30, 50],
        warrantyMonths: 12,
        prefix: 'BSD-SW',
      },
      {
        category: 'wireless_ap',
        count: 3,
        manufacturer: 'Ubiquiti',
        models: ['U6-Pro'],
        operatingSystems: [null],
        cost: [15_900, 15_900],
        ageMonths: [20, 30],
        warrantyMonths: 12,
        prefix: 'BSD-AP',
      },
      {
        category: 'printer',
        count: 3,
        manufacturer: 'Brother',
        models: ['MFC-L8900CDW', 'HL-L6200DW'],
        operatingSystems: [null],
        cost: [45_000, 75_000],
        ageMonths: [20, 90],
        warrantyMonths: 12,
        prefix: 'BSD-PR',
      },
      {
        category: 'ups',
        count: 2,
        manufacturer: 'APC',
        models: ['Smart-UPS 1500'],
        operatingSystems: [null],
        cost: [65_000, 70_000],
        ageMonths: [50, 70],
        warrantyMonths: 36,
        prefix: 'BSD-UPS',
      },
      {
        category: 'peripheral',
        count: 6,
        manufacturer: 'Dexis',
        models: ['Titanium intraoral sensor'],
        operatingSystems: [null],
        cost: [650_000, 900_000],
        ageMonths: [12, 84],
        warrantyMonths: 24,
        prefix: 'BSD-SENSOR',
      },
    ],
  );

  const law = buildAssets(
    next,
    today,
    'HWL',
    ['Floor 12', 'Floor 14', 'Records room', 'Remote'],
    [
      {
        category: 'laptop',
        count: 48,
        manufacturer: 'Lenovo',
        models: ['ThinkPad T14s Gen 4', 'ThinkPad X1 Carbon Gen 11', 'ThinkPad T490'],
        operatingSystems: ['Windows 11 Enterprise 23H2', 'Windows 11 Pro 24H2', 'Windows 10 Enterprise 22H2'],
        cost: [140_000, 210_000],
        ageMonths: [2, 62],
        warrantyMonths: 36,
        prefix: 'HWL-LT',
        assigned: true,
      },
      {
        category: 'desktop',
        count: 22,
        manufacturer: 'HP',
        models: ['EliteDesk 800 G6', 'EliteDesk 800 G9', 'ProDesk 600 G4'],
        operatingSystems: ['Windows 11 Pro 23H2', 'Windows 10 Pro 22H2', 'Windows 10 Pro 21H2'],
        cost: [90_000, 130_000],
        ageMonths: [8, 84],
        warrantyMonths: 36,
        prefix: 'HWL-WS',
        assigned: true,
      },
      {
        category: 'server',
        count: 3,
        manufacturer: 'HPE',
        models: ['ProLiant DL380 Gen10'],
        operatingSystems: [
          'Windows Server 2019 Standard',
          'Windows Server 2012 R2 Standard',
          'Windows Server 2022 Datacenter',
        ],
        cost: [1_150_000, 1_450_000],
        ageMonths: [24, 96],
        warrantyMonths: 60,
        prefix: 'HWL-SRV',
      },
      {
        category: 'virtual_host',
        count: 2,
        manufacturer: 'HPE',
        models: ['ProLiant DL360 Gen10 Plus'],
        operatingSystems: ['VMware ESXi 7.0'],
        cost: [1_600_000, 1_800_000],
        ageMonths: [40, 44],
        warrantyMonths: 60,
        prefix: 'HWL-ESX',
      },
      {
        category: 'storage',
        count: 1,
        manufacturer: 'Synology',
        models: ['RS3621xs+'],
        operatingSystems: [null],
        cost: [620_000, 620_000],
        ageMonths: [52, 52],
        warrantyMonths: 60,
        prefix: 'HWL-NAS',
      },
      {
        category: 'backup_appliance',
        count: 1,
        manufacturer: 'Datto',
        models: ['SIRIS 5 S5-4'],
        operatingSystems: [null],
        cost: [450_000, 450_000],
        ageMonths: [34, 34],
        warrantyMonths: 36,
        prefix: 'HWL-BDR',
      },
      {
        category: 'firewall',
        count: 2,
        manufacturer: 'Palo Alto Networks',
        models: ['PA-440'],
        operatingSystems: [null],
        cost: [210_000, 210_000],
        ageMonths: [28, 28],
        warrantyMonths: 36,
        prefix: 'HWL-FW',
      },
      {
        category: 'network_switch',
        count: 6,
        manufacturer: 'Cisco',
        models: ['Catalyst 9200L-48P', 'Catalyst 2960X-48FPD'],
        operatingSystems: [null],
        cost: [320_000, 540_000],
        ageMonths: [30, 110],
        warrantyMonths: 60,
        prefix: 'HWL-SW',
      },
      {
        category: 'wireless_ap',
        count: 10,
        manufacturer: 'Cisco Meraki',
        models: ['MR46', 'MR36'],
        operatingSystems: [null],
        cost: [55_000, 95_000],
        ageMonths: [18, 70],
        warrantyMonths: 60,
        prefix: 'HWL-AP',
      },
      {
        category: 'printer',
        count: 6,
        manufacturer: 'Canon',
        models: ['imageRUNNER ADVANCE DX C5840i'],
        operatingSystems: [null],
        cost: [850_000, 1_100_000],
        ageMonths: [14, 80],
        warrantyMonths: 36,
        prefix: 'HWL-MFP',
      },
      {
        category: 'phone_system',
        count: 1,
        manufacturer: 'Mitel',
        models: ['MiVoice Business 3300'],
        operatingSystems: [null],
        cost: [1_800_000, 1_800_000],
        ageMonths: [100, 100],
        warrantyMonths: 36,
        prefix: 'HWL-PBX',
      },
      {
        category: 'mobile',
        count: 12,
        manufacturer: 'Apple',
        models: ['iPhone 14', 'iPhone 15', 'iPhone 13'],
        operatingSystems: ['iOS 17', 'iOS 18'],
        cost: [79_900, 99_900],
        ageMonths: [3, 44],
        warrantyMonths: 12,
        prefix: 'HWL-MOB',
        assigned: true,
      },
      {
        category: 'laptop',
        count: 4,
        manufacturer: 'Apple',
        models: ['MacBook Pro 14-inch M3', 'MacBook Air 13-inch M1'],
        operatingSystems: ['macOS Sonoma 14.6', 'macOS Ventura 13.6', 'macOS Big Sur 11.7'],
        cost: [199_900, 249_900],
        ageMonths: [10, 60],
        warrantyMonths: 12,
        prefix: 'HWL-MAC',
        assigned: true,
      },
      {
        category: 'ups',
        count: 4,
        manufacturer: 'APC',
        models: ['Smart-UPS SRT 3000'],
        operatingSystems: [null],
        cost: [190_000, 230_000],
        ageMonths: [36, 84],
        warrantyMonths: 24,
        prefix: 'HWL-UPS',
      },
    ],
  );

  const manufacturing = buildAssets(
    next,
    today,
    'RVM',
    ['Plant floor', 'Engineering', 'Warehouse', 'Office', 'Server room', 'Shipping'],
    [
      {
        category: 'desktop',
        count: 95,
        manufacturer: 'Dell',
        models: ['OptiPlex 7000', 'OptiPlex 7070', 'OptiPlex 3050', 'Precision 3660'],
        operatingSystems: [
          'Windows 10 Pro 22H2',
          'Windows 11 Pro 23H2',
          'Windows 10 Enterprise LTSC 2019',
          'Windows 7 Professional SP1',
        ],
        cost: [75_000, 240_000],
        ageMonths: [4, 110],
        warrantyMonths: 36,
        prefix: 'RVM-WS',
      },
      {
        category: 'laptop',
        count: 55,
        manufacturer: 'Dell',
        models: ['Latitude 5440', 'Latitude 7420', 'Latitude 5490', 'Precision 5570'],
        operatingSystems: ['Windows 11 Pro 23H2', 'Windows 10 Pro 22H2', 'Windows 11 Pro 22H2'],
        cost: [110_000, 280_000],
        ageMonths: [1, 72],
        warrantyMonths: 36,
        prefix: 'RVM-LT',
        assigned: true,
      },
      {
        category: 'server',
        count: 6,
        manufacturer: 'Dell',
        models: ['PowerEdge R740', 'PowerEdge R650', 'PowerEdge R730'],
        operatingSystems: [
          'Windows Server 2016 Standard',
          'Windows Server 2019 Standard',
          'Windows Server 2012 R2 Standard',
          'Red Hat Enterprise Linux 7.9',
          'Ubuntu 20.04.6 LTS',
        ],
        cost: [900_000, 1_600_000],
        ageMonths: [12, 120],
        warrantyMonths: 60,
        prefix: 'RVM-SRV',
      },
      {
        category: 'virtual_host',
        count: 3,
        manufacturer: 'Dell',
        models: ['PowerEdge R750'],
        operatingSystems: ['VMware ESXi 8.0'],
        cost: [2_100_000, 2_400_000],
        ageMonths: [20, 26],
        warrantyMonths: 60,
        prefix: 'RVM-ESX',
      },
      {
        category: 'storage',
        count: 2,
        manufacturer: 'Dell',
        models: ['PowerVault ME5024'],
        operatingSystems: [null],
        cost: [1_900_000, 2_200_000],
        ageMonths: [20, 70],
        warrantyMonths: 60,
        prefix: 'RVM-SAN',
      },
      {
        category: 'backup_appliance',
        count: 1,
        manufacturer: 'Veeam / Dell',
        models: ['PowerEdge R550 repository'],
        operatingSystems: ['Ubuntu 22.04.4 LTS'],
        cost: [850_000, 850_000],
        ageMonths: [30, 30],
        warrantyMonths: 60,
        prefix: 'RVM-BKP',
      },
      {
        category: 'firewall',
        count: 2,
        manufacturer: 'SonicWall',
        models: ['TZ670', 'NSa 2700'],
        operatingSystems: [null],
        cost: [180_000, 420_000],
        ageMonths: [20, 75],
        warrantyMonths: 36,
        prefix: 'RVM-FW',
      },
      {
        category: 'network_switch',
        count: 18,
        manufacturer: 'Aruba',
        models: ['CX 6200F 48G', '2930F-48G-PoE+'],
        operatingSystems: [null],
        cost: [260_000, 520_000],
        ageMonths: [12, 120],
        warrantyMonths: 60,
        prefix: 'RVM-SW',
      },
      {
        category: 'wireless_ap',
        count: 30,
        manufacturer: 'Aruba',
        models: ['AP-535', 'AP-315'],
        operatingSystems: [null],
        cost: [60_000, 110_000],
        ageMonths: [10, 96],
        warrantyMonths: 60,
        prefix: 'RVM-AP',
      },
      {
        category: 'printer',
        count: 12,
        manufacturer: 'Zebra',
        models: ['ZT411 label printer', 'ZD621'],
        operatingSystems: [null],
        cost: [120_000, 300_000],
        ageMonths: [10, 100],
        warrantyMonths: 12,
        prefix: 'RVM-PR',
      },
      {
        category: 'ups',
        count: 10,
        manufacturer: 'Eaton',
        models: ['5PX 3000', '9PX 6000'],
        operatingSystems: [null],
        cost: [150_000, 520_000],
        ageMonths: [20, 100],
        warrantyMonths: 36,
        prefix: 'RVM-UPS',
      },
      {
        category: 'mobile',
        count: 30,
        manufacturer: 'Zebra',
        models: ['TC52 handheld', 'TC58 handheld'],
        operatingSystems: ['Android 11', 'Android 13'],
        cost: [110_000, 160_000],
        ageMonths: [6, 60],
        warrantyMonths: 36,
        prefix: 'RVM-HH',
      },
      {
        category: 'other',
        count: 8,
        manufacturer: 'Siemens',
        models: ['SIMATIC IPC427E HMI'],
        operatingSystems: ['Windows 10 Enterprise 2016 LTSB', 'Windows 7 Embedded'],
        cost: [350_000, 480_000],
        ageMonths: [40, 130],
        warrantyMonths: 24,
        prefix: 'RVM-HMI',
      },
      {
        category: 'software',
        count: 2,
        manufacturer: 'Autodesk',
        models: ['AutoCAD perpetual licence'],
        operatingSystems: [null],
        cost: [420_000, 420_000],
        ageMonths: [70, 80],
        warrantyMonths: 12,
        prefix: 'RVM-SW-LIC',
      },
    ],
  );

  const decision = (d: DemoInitiative['decisions'][number]) => d;
  return {
    mspName: 'Northwind Managed IT (demo)',
    mspPolicies,
    clients: [
      {
        name: 'Bright Smile Dental',
        currency: 'USD',
        fiscalYearStartMonth: 1,
        contactName: 'Dr. Renee Alvarez',
        contactEmail: 'renee@brightsmile.example',
        vcioName: 'Jordan Lee',
        nextMeetingOn: day(24),
        notes: 'Imaging sensors are clinical-critical; schedule replacements outside patient hours.',
        policies: [
          {
            category: 'desktop',
            lifecycleMonths: 48,
            replacementCost: 95_000,
            annualEscalationBps: null,
            dueSoonDays: null,
          },
        ],
        assets: dental,
        recurringCosts: [
          {
            name: 'Managed services agreement',
            vendor: 'Northwind Managed IT',
            amount: 16_500,
            quantity: 18,
            interval: 'month',
            startsOn: month(-26),
            endsOn: null,
            annualEscalationBps: 300,
          },
          {
            name: 'Microsoft 365 Business Premium',
            vendor: 'Microsoft',
            amount: 2_200,
            quantity: 18,
            interval: 'month',
            startsOn: month(-14),
            endsOn: null,
            annualEscalationBps: 0,
          },
          {
            name: 'Dentrix practice management',
            vendor: 'Henry Schein One',
            amount: 540_000,
            quantity: 1,
            interval: 'year',
            startsOn: month(-31),
            endsOn: null,
            annualEscalationBps: 500,
          },
          {
            name: 'Offsite backup (legacy)',
            vendor: 'Carbonite',
            amount: 9_900,
            quantity: 1,
            interval: 'month',
            startsOn: month(-40),
            endsOn: month(2),
            annualEscalationBps: 0,
          },
        ],
        initiatives: [
          {
            title: 'Replace the Windows Server 2016 practice server',
            summary:
              'Move Dentrix to a new PowerEdge with Server 2025 before extended support ends; includes migration labour.',
            priority: 'critical',
            targetOn: month(3),
            capexCost: 1_250_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'proposed',
            kind: 'replacement',
            links: { category: 'server', operatingSystem: /Server 2016/, limit: 1 },
            decisions: [],
          },
          {
            title: 'Windows 11 upgrade for the front office',
            summary: 'Upgrade or replace the Windows 10 workstations that cannot run Windows 11.',
            priority: 'high',
            targetOn: month(1),
            capexCost: 480_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'approved',
            kind: 'upgrade',
            links: { category: 'desktop', operatingSystem: /Windows 10/ },
            decisions: [
              decision({
                decision: 'approved',
                decidedBy: 'Dr. Renee Alvarez',
                role: 'Owner',
                note: 'Do it in the slow week after the holidays.',
                daysAgo: 40,
              }),
            ],
          },
          {
            title: 'Security awareness training',
            summary: 'Monthly phishing simulations and training for all staff.',
            priority: 'medium',
            targetOn: month(2),
            capexCost: 0,
            monthlyOpexCost: 4_500,
            opexMonths: 24,
            status: 'proposed',
            kind: 'project',
            links: null,
            decisions: [
              decision({
                decision: 'deferred',
                decidedBy: 'Dr. Renee Alvarez',
                role: 'Owner',
                note: 'Revisit after the server project.',
                daysAgo: 95,
              }),
            ],
          },
        ],
      },
      {
        name: 'Harbor & Wright LLP',
        currency: 'USD',
        fiscalYearStartMonth: 7,
        contactName: 'Marcus Wright',
        contactEmail: 'mwright@harborwright.example',
        vcioName: 'Jordan Lee',
        nextMeetingOn: day(45),
        notes: 'Fiscal year starts in July. Partners approve anything over $10,000.',
        policies: [
          {
            category: 'laptop',
            lifecycleMonths: 36,
            replacementCost: 185_000,
            annualEscalationBps: 350,
            dueSoonDays: 120,
          },
        ],
        assets: law,
        recurringCosts: [
          {
            name: 'Managed services agreement',
            vendor: 'Northwind Managed IT',
            amount: 18_500,
            quantity: 62,
            interval: 'month',
            startsOn: month(-50),
            endsOn: null,
            annualEscalationBps: 300,
          },
          {
            name: 'Microsoft 365 E3',
            vendor: 'Microsoft',
            amount: 3_600,
            quantity: 62,
            interval: 'month',
            startsOn: month(-20),
            endsOn: null,
            annualEscalationBps: 0,
          },
          {
            name: 'NetDocuments',
            vendor: 'NetDocuments',
            amount: 2_400_000,
            quantity: 1,
            interval: 'year',
            startsOn: month(-34),
            endsOn: null,
            annualEscalationBps: 400,
          },
          {
            name: 'Datto SIRIS cloud retention',
            vendor: 'Datto',
            amount: 39_900,
            quantity: 1,
            interval: 'month',
            startsOn: month(-34),
            endsOn: null,
            annualEscalationBps: 0,
          },
          {
            name: 'Mitel maintenance',
            vendor: 'Mitel',
            amount: 310_000,
            quantity: 1,
            interval: 'year',
            startsOn: month(-100),
            endsOn: month(5),
            annualEscalationBps: 0,
          },
        ],
        initiatives: [
          {
            title: 'Retire the Mitel PBX for Teams Phone',
            summary: 'Move 62 users to Teams Phone with calling plans; removes the PBX maintenance contract.',
            priority: 'high',
            targetOn: month(5),
            capexCost: 650_000,
            monthlyOpexCost: 62 * 1_500,
            opexMonths: null,
            status: 'proposed',
            kind: 'replacement',
            links: { category: 'phone_system' },
            decisions: [],
          },
          {
            title: 'Migrate Server 2012 R2 workloads',
            summary: 'Decommission the last Server 2012 R2 host; document management moves to the cloud.',
            priority: 'critical',
            targetOn: month(-1),
            capexCost: 900_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'in_progress',
            kind: 'replacement',
            links: { category: 'server', operatingSystem: /Server 2012 R2/ },
            decisions: [
              decision({
                decision: 'approved',
                decidedBy: 'Marcus Wright',
                role: 'Managing Partner',
                note: 'Approved at the spring meeting.',
                daysAgo: 150,
              }),
            ],
          },
          {
            title: 'Wireless refresh to Wi-Fi 6E',
            summary: 'Replace MR36 access points on both floors.',
            priority: 'low',
            targetOn: month(14),
            capexCost: 1_100_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'declined',
            kind: 'replacement',
            links: { category: 'wireless_ap' },
            decisions: [
              decision({
                decision: 'declined',
                decidedBy: 'Marcus Wright',
                role: 'Managing Partner',
                note: 'Current Wi-Fi is fine.',
                daysAgo: 60,
              }),
            ],
          },
          {
            title: 'Conditional access and MFA hardening',
            summary: 'Entra ID P1 policies, phishing-resistant MFA for partners.',
            priority: 'high',
            targetOn: month(-6),
            capexCost: 250_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'completed',
            kind: 'project',
            links: null,
            decisions: [
              decision({
                decision: 'approved',
                decidedBy: 'Marcus Wright',
                role: 'Managing Partner',
                note: '',
                daysAgo: 240,
              }),
            ],
          },
        ],
      },
      {
        name: 'Riverside Metalworks',
        currency: 'USD',
        fiscalYearStartMonth: 10,
        contactName: 'Dana Kowalski',
        contactEmail: 'dana.k@riversidemetal.example',
        vcioName: 'Priya Raman',
        nextMeetingOn: day(10),
        notes: 'Plant runs two shifts; HMIs on the floor still run Windows 7 Embedded and need a plan.',
        policies: [
          {
            category: 'desktop',
            lifecycleMonths: 72,
            replacementCost: null,
            annualEscalationBps: 250,
            dueSoonDays: 180,
          },
          {
            category: 'other',
            lifecycleMonths: 96,
            replacementCost: 450_000,
            annualEscalationBps: null,
            dueSoonDays: 365,
          },
        ],
        assets: manufacturing,
        recurringCosts: [
          {
            name: 'Managed services agreement',
            vendor: 'Northwind Managed IT',
            amount: 14_000,
            quantity: 140,
            interval: 'month',
            startsOn: month(-70),
            endsOn: null,
            annualEscalationBps: 300,
          },
          {
            name: 'Microsoft 365 Business Standard',
            vendor: 'Microsoft',
            amount: 1_250,
            quantity: 120,
            interval: 'month',
            startsOn: month(-30),
            endsOn: null,
            annualEscalationBps: 0,
          },
          {
            name: 'Epicor Kinetic ERP subscription',
            vendor: 'Epicor',
            amount: 7_800_000,
            quantity: 1,
            interval: 'year',
            startsOn: month(-22),
            endsOn: null,
            annualEscalationBps: 600,
          },
          {
            name: 'SolidWorks subscription',
            vendor: 'Dassault Systèmes',
            amount: 180_000,
            quantity: 8,
            interval: 'year',
            startsOn: month(-9),
            endsOn: null,
            annualEscalationBps: 300,
          },
          {
            name: 'Fibre internet (primary)',
            vendor: 'Lumen',
            amount: 145_000,
            quantity: 1,
            interval: 'month',
            startsOn: month(-18),
            endsOn: month(18),
            annualEscalationBps: 0,
          },
        ],
        initiatives: [
          {
            title: 'Replace Windows 7 HMIs on the plant floor',
            summary:
              'Swap SIMATIC IPCs running Windows 7 Embedded for supported panels; coordinate with line shutdowns.',
            priority: 'critical',
            targetOn: month(4),
            capexCost: 3_600_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'proposed',
            kind: 'replacement',
            links: { category: 'other', operatingSystem: /Windows 7/ },
            decisions: [
              decision({
                decision: 'deferred',
                decidedBy: 'Dana Kowalski',
                role: 'COO',
                note: 'Wait for the Q2 shutdown schedule.',
                daysAgo: 80,
              }),
            ],
          },
          {
            title: 'Core switching upgrade',
            summary: 'Replace end-of-life 2930F switches in the plant with CX 6200F.',
            priority: 'high',
            targetOn: month(7),
            capexCost: 2_800_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'approved',
            kind: 'replacement',
            links: { category: 'network_switch', model: /2930F/ },
            decisions: [
              decision({
                decision: 'approved',
                decidedBy: 'Dana Kowalski',
                role: 'COO',
                note: 'Budgeted in FY capital plan.',
                daysAgo: 20,
              }),
            ],
          },
          {
            title: 'Managed detection and response',
            summary: '24x7 MDR for servers and workstations.',
            priority: 'high',
            targetOn: month(1),
            capexCost: 0,
            monthlyOpexCost: 150 * 800,
            opexMonths: 36,
            status: 'proposed',
            kind: 'project',
            links: null,
            decisions: [],
          },
          {
            title: 'Warehouse Wi-Fi coverage survey',
            summary: 'Predictive and on-site survey before adding access points.',
            priority: 'low',
            targetOn: month(2),
            capexCost: 450_000,
            monthlyOpexCost: 0,
            opexMonths: null,
            status: 'deferred',
            kind: 'project',
            links: { category: 'wireless_ap' },
            decisions: [
              decision({
                decision: 'deferred',
                decidedBy: 'Dana Kowalski',
                role: 'COO',
                note: 'Next fiscal year.',
                daysAgo: 30,
              }),
            ],
          },
        ],
      },
    ],
  };
}
