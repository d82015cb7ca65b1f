import fs from 'node:fs';
import path from 'node:path';
import { declaredFormat, detectPreset } from '../../../src/imports/detect-preset.js';

const fixture = (...parts: string[]) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', ...parts));

describe('detectPreset', () => {
  it('when the file is a Graph managedDevices list, then it is read as intune-graph, declared or not', () => {
    const bytes = fixture('intune', 'graph-docs-v1.0-list-managedDevices.example.json');
    expect(detectPreset({ bytes, declared: 'json' })).toBe('intune-graph');
    expect(detectPreset({ bytes })).toBe('intune-graph');
  });

  it("when the file is GLPI's native inventory, then it is read as glpi", () => {
    expect(detectPreset({ bytes: fixture('glpi', 'inventory-format-computer_1.json') })).toBe('glpi');
  });

  it("when the file is Snipe-IT's asset export, then it is read as snipe-it", () => {
    expect(detectPreset({ bytes: fixture('snipe-it', 'assets-sample.csv'), declared: 'csv' })).toBe(
      'snipe-it',
    );
  });

  it('when a CSV uses our own column names, or columns no preset knows, then it is read as generic', () => {
    expect(detectPreset({ bytes: Buffer.from('Name,Asset Tag\nPC,T-1\n') })).toBe('generic');
    expect(detectPreset({ bytes: Buffer.from('Computer,S/N\nPC,1\n') })).toBe('generic');
  });
});

describe('declaredFormat', () => {
  it('when the media type says, then it wins over the file name; else the extension decides', () => {
    expect(declaredFormat('application/json; charset=utf-8', 'devices.csv')).toBe('json');
    expect(declaredFormat('text/csv', null)).toBe('csv');
    expect(declaredFormat('application/octet-stream', 'devices.JSON')).toBe('json');
    expect(declaredFormat(null, 'export.txt')).toBeUndefined();
  });
});
