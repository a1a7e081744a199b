/**
 * Backups of storage.yaml volumes (docs/backups.md): a backup job of the schedule table
 * (`backup-<volume>`, installed by a plan's schedule.apply step) runs `runBackupJob`; the
 * files and their records (store.ts); one run (run.ts); restore, planned then executed with
 * rollback (restore.ts). Failures go to the notification sink (runtime/notify).
 */
import type { JobSpec } from '../../plan/types.js';
import { Notifier } from '../notify/index.js';
import { runBackup, type BackupOutcome, type BackupRunOptions } from './run.js';
import type { BackupSpec } from './store.js';

export { backupId, BackupSpaceError, runBackup, type BackupOutcome, type BackupRunOptions } from './run.js';
export { destinationDir, listSets, readSetDir, scheduledBackups, setDir, BACKUPS_DIR, type BackupRecord, type BackupSet, type BackupSpec } from './store.js';
export { executeRestore, planRestore, RestoreError, type RestorePlan, type RestoreResult, type RestoreOptions } from './restore.js';

/**
 * Runs the backup of a backup job and reports a failure to the notification sink (critical:
 * data is no longer being protected), whoever started it.
 */
export async function runBackupJob(job: JobSpec & { backup: BackupSpec }, o: BackupRunOptions & { notifier?: Notifier }): Promise<BackupOutcome> {
  const out = await runBackup(job.backup, o);
  if (!out.ok) {
    const n = o.notifier ?? new Notifier({ dataDir: o.dataDir, now: o.now, hostId: o.hostId || null });
    n.notify({ source: 'scheduler', kind: 'backup.failed', severity: 'critical', title: `backup of volume ${job.backup.volume} failed`, detail: [out.error ?? 'unknown error'], ...(job.backup.services[0] ? { service: job.backup.services[0] } : {}) });
    if (!o.notifier) await n.drain();
  }
  return out;
}
