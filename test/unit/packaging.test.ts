import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface BuilderConfig {
  icon?: string;
  files?: string[];
  asarUnpack?: string[];
  linux?: { icon?: string };
}

const require = createRequire(import.meta.url);

function readConfig(): BuilderConfig {
  return parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
}

/** Reads the width and height from a PNG file's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path);
  const signature = data.subarray(0, 8).toString('hex');
  if (signature !== '89504e470d0a1a0a') {
    throw new Error(`${path} is not a PNG file`);
  }

  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('electron-builder config', () => {
  it('matches electron-builder schema', () => {
    const schemaFile = require.resolve('app-builder-lib/scheme.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

    const valid = ajv.validate(schema, readConfig());

    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('packs the build outputs', () => {
    const files = readConfig().files ?? [];

    for (const pattern of ['dist/**', 'renderer-dist/**', 'assets/**', 'package.json']) {
      expect(files).toContain(pattern);
    }
  });

  it('unpacks native and Python files', () => {
    const unpacked = readConfig().asarUnpack ?? [];

    for (const pattern of [
      'node_modules/better-sqlite3/**',
      'node_modules/pyodide/**',
      'dist/main/python/**',
    ]) {
      expect(unpacked).toContain(pattern);
    }
  });
});

describe('app icon', () => {
  it('config names existing icons', () => {
    const config = readConfig();

    expect(config.icon).toBeDefined();
    expect(existsSync(config.icon ?? '')).toBe(true);
    expect(config.linux?.icon).toBeDefined();
    expect(existsSync(config.linux?.icon ?? '')).toBe(true);
  });

  it('PNG sizes match their names', () => {
    for (const size of [256, 512]) {
      const path = join('assets', 'icons', `${size}x${size}.png`);

      expect(pngSize(path)).toEqual({ width: size, height: size });
    }
  });

  it('page links the SVG icon', () => {
    const page = readFileSync(join('renderer', 'index.html'), 'utf8');

    expect(page).toContain('href="../assets/icons/stagecraft.svg"');
    expect(existsSync(join('assets', 'icons', 'stagecraft.svg'))).toBe(true);
  });
});
