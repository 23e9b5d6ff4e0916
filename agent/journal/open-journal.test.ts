import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVirtualClock } from '../model/clock.js';
import { JournalSchemaMismatchError, JournalSchemaTooNewError, applyMigrations, migrations } from './migrations.js';
import { JournalOpenError, openJournal } from './open-journal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clock = createVirtualClock(1_700_000_000_000);

describe('openJournal', () => {
  it('creates the file (and its directory) with every table, in WAL mode with foreign keys and FULL sync', () => {
    const journal = openJournal({ path: join(dir, 'nested', 'journal.sqlite'), clock });
    const tables = journal.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['batches', 'decisions', 'runs', 'schema_migrations', 'source_cursors']));
    expect(journal.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(journal.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(journal.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(journal.schemaVersion).toBe(migrations.at(-1)!.version);
    journal.close();
  });

  it('uses NORMAL sync when asked for backtest durability', () => {
    const journal = openJournal({ path: join(dir, 'j.sqlite'), clock, durability: 'normal' });
    expect(journal.db.pragma('synchronous', { simple: true })).toBe(1);
    journal.close();
  });

  it('re-opens an existing journal without re-applying migrations and keeps its data', () => {
    const path = join(dir, 'j.sqlite');
    const first = openJournal({ path, clock });
    first.runs.start({ id: 'run-1', configDigest: '0x01', mode: 'backtest' });
    first.close();

    const second = openJournal({ path, clock });
    expect(second.runs.get('run-1')?.mode).toBe('backtest');
    const applied = second.db.prepare('SELECT version, applied_at FROM schema_migrations').all();
    expect(applied).toEqual(migrations.map((migration) => ({ version: migration.version, applied_at: 1_700_000_000_000 })));
    expect(applyMigrations(second.db, migrations, clock.now())).toEqual([]);
    second.close();
  });

  it('refuses a journal written by a newer schema, naming both versions', () => {
    const path = join(dir, 'j.sqlite');
    openJournal({ path, clock }).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)").run();
    raw.close();
    expect(() => openJournal({ path, clock })).toThrow(JournalSchemaTooNewError);
    expect(() => openJournal({ path, clock })).toThrow(new RegExp(`schema is version 99; this version reads up to ${migrations.at(-1)!.version}`));
  });

  it('refuses a journal whose recorded migration differs from the code', () => {
    const path = join(dir, 'j.sqlite');
    openJournal({ path, clock }).close();
    const raw = new Database(path);
    raw.prepare("UPDATE schema_migrations SET name = 'something else' WHERE version = 1").run();
    raw.close();
    expect(() => openJournal({ path, clock })).toThrow(JournalSchemaMismatchError);
  });

  it('applies only the migrations a journal lacks, in order', () => {
    const raw = new Database(join(dir, 'j.sqlite'));
    const next = migrations.length + 1;
    const list = [...migrations, { version: next, name: 'notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;' }];
    expect(applyMigrations(raw, migrations.slice(0, 1), 1)).toEqual([1]);
    expect(applyMigrations(raw, list, 2)).toEqual(list.slice(1).map((migration) => migration.version));
    expect(applyMigrations(raw, list, 3)).toEqual([]);
    raw.close();
  });

  it('rolls back a failing migration entirely', () => {
    const raw = new Database(join(dir, 'j.sqlite'));
    const broken = [...migrations, { version: migrations.length + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); CREATE TABLE runs (x INTEGER);' }];
    expect(() => applyMigrations(raw, broken, 1)).toThrow(/already exists/);
    const versions = raw.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all();
    expect(versions).toEqual(migrations.map((migration) => ({ version: migration.version })));
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    raw.close();
  });

  it('wraps a file that is not a database in a clear error', () => {
    const path = join(dir, 'not-a-db.sqlite');
    writeFileSync(path, 'this is plain text, not SQLite'.repeat(100));
    expect(() => openJournal({ path, clock })).toThrow(JournalOpenError);
  });
});
