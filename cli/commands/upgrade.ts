/**
 * `claude upgrade IMAGE | confirm | status | pack`: A/B updates of the device (runtime/upgrade/,
 * docs/image.md "Updates").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { ownVersion } from '../version.js';
import { resolvePaths } from '../../common/paths.js';
import { KeyError, loadHostKey, loadTrustedKeys, readPrivateKeyFile } from '../../plan/keys.js';
import { DiskLayoutError, type Slot } from '../../runtime/upgrade/disk.js';
import { bootFromCmdline, confirmSlot, packImage, slotStatus, upgradeDisk, UpgradeRefused, UPGRADE_RECORD } from '../../runtime/upgrade/index.js';

const usage = `usage: claude upgrade IMAGE [--allow-downgrade] [--disk PATH --slot a|b]
       claude upgrade status [--json] [--disk PATH --slot a|b]
       claude upgrade confirm [--boot] [--disk PATH --slot a|b]
       claude upgrade pack --kernel FILE --root FILE --version V --out IMAGE [--key FILE]

Updates the device the way Flatcar and Talos do (docs/image.md, "Updates"). The disk has two
root slots, A and B. \`claude upgrade IMAGE\` verifies the signed image (a key this device
trusts as admin or host, \`claude keys\`), writes its kernel and root to the slot that is not
running, and has the boot loader boot it once. After that boot, once the container engine
answers, the device confirms the new slot (\`claude upgrade confirm --boot\`, run by /init) and
it becomes the default; if it does not come up healthy, the next boot takes the old slot.
Nothing is written when the image is unsigned, signed by an unknown key, or changed, or when
its version is older than the running slot's (a rollback; a slot no upgrade recorded runs
\`claude --version\`'s) unless --allow-downgrade is given.

  status            the running slot, the confirmed (default) one, a boot-once pending
  confirm           make the running slot the default (--boot: also check the engine answers)
  --allow-downgrade write an image older than the running slot's version (on purpose)
  pack              sign an image of a kernel and a root filesystem with this machine's
                    host key (or --key FILE): the key the device trusts for plans
  --disk PATH       the disk (or a disk image file); default: the boot disk the kernel
                    command line names (claude.disk=), with --slot its claude.slot=`;

/** The disk and running slot: from --disk/--slot, else from the kernel command line. */
function bootOf(values: { disk?: string | undefined; slot?: string | undefined }, cwd: string): { disk: string; running: Slot } {
  if (values.disk || values.slot) {
    if (!values.disk || (values.slot !== 'a' && values.slot !== 'b')) throw new UsageError('--disk PATH and --slot a|b go together (the slot the machine runs from that disk)');
    return { disk: resolve(cwd, values.disk), running: values.slot };
  }
  return bootFromCmdline(readFileSync('/proc/cmdline', 'utf8'));
}

const command: Command = {
  summary: 'update the device: write a signed image to the other slot and boot it once (A/B)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      disk: { type: 'string' },
      slot: { type: 'string' },
      json: { type: 'boolean' },
      boot: { type: 'boolean' },
      kernel: { type: 'string' },
      root: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
      key: { type: 'string' },
      'allow-downgrade': { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('give an image file, or one of status, confirm, pack');
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    const what = positionals[0]!;
    try {
      if (what === 'pack') {
        if (!values.kernel || !values.root || !values.version || !values.out) throw new UsageError('pack needs --kernel FILE --root FILE --version V --out IMAGE');
        const key = values.key ? readPrivateKeyFile(resolve(ctx.cwd, values.key)) : loadHostKey(dataDir)?.privateKey;
        if (!key) throw new KeyError(`this machine has no host key in ${dataDir}/keys`, 'give --key FILE (`claude keys generate --out FILE`), or make the host key with a first `claude plan`');
        const out = resolve(ctx.cwd, values.out);
        const m = packImage(out, { kernel: readFileSync(resolve(ctx.cwd, values.kernel)), root: readFileSync(resolve(ctx.cwd, values.root)), version: values.version, createdAt: ctx.now().toISOString() }, key);
        println(ctx.stdout, `signed image ${out}: version ${m.version}, kernel ${m.kernel.bytes} bytes, root ${m.root.bytes} bytes`);
        return EXIT.OK;
      }
      const boot = bootOf(values, ctx.cwd);
      if (what === 'status') {
        const s = slotStatus(boot.disk, boot.running);
        let last: Record<string, unknown> | null = null;
        try {
          last = JSON.parse(readFileSync(resolve(dataDir, UPGRADE_RECORD), 'utf8')) as Record<string, unknown>;
        } catch {
          /* no upgrade yet */
        }
        if (values.json) println(ctx.stdout, JSON.stringify({ ...s, disk: boot.disk, last }, null, 2));
        else {
          println(ctx.stdout, `running slot ${s.running}${s.trial ? ' (a trial boot: not confirmed yet)' : ''}; confirmed (default) slot ${s.confirmed}; ${s.bootOnce ? `boots ${s.bootOnce} once on the next boot` : 'no boot-once pending'}`);
          if (last) {
            const fellBack = !s.bootOnce && last.to !== s.running && last.to !== s.confirmed;
            println(ctx.stdout, `last upgrade: version ${String(last.version)} to slot ${String(last.to)}, written ${String(last.writtenAt)}${fellBack ? '; it did not come up healthy, so the machine went back to the confirmed slot' : ''}`);
          }
        }
        return EXIT.OK;
      }
      if (what === 'confirm') {
        if (values.boot && ctx.env.CLAUDE_ENGINE === 'containerd') {
          const { socketAnswers } = await import('../../runtime/engine-start.js');
          const address = ctx.env.CLAUDE_CONTAINERD_ADDRESS || '/run/containerd/containerd.sock';
          if (!(await socketAnswers(address))) {
            println(ctx.stderr, `claude upgrade: slot ${boot.running} not confirmed: containerd does not answer at ${address}`);
            return EXIT.FAILURE;
          }
        }
        const changed = confirmSlot(boot.disk, boot.running, dataDir);
        println(ctx.stdout, changed ? `slot ${boot.running} confirmed: it is the default from now on` : `slot ${boot.running} is the confirmed slot already`);
        return EXIT.OK;
      }
      const r = upgradeDisk({ disk: boot.disk, image: resolve(ctx.cwd, what), running: boot.running, trusted: loadTrustedKeys(dataDir), dataDir, now: ctx.now, allowDowngrade: values['allow-downgrade'] === true, runningVersion: ownVersion() });
      println(ctx.stdout, `✓ version ${r.version} (signed by ${r.signers.join(', ')}) written to slot ${r.slot}; it boots once on the next reboot, and becomes the default once it comes up healthy (else the machine goes back to slot ${boot.running})`);
      // Allowed on purpose: said, so a downgrade is never taken for an upgrade.
      if (r.downgradeFrom) println(ctx.stdout, `  this is a downgrade from ${r.downgradeFrom} (slot ${boot.running}), written because --allow-downgrade was given`);
      println(ctx.stdout, '  reboot to start it: reboot');
      return EXIT.OK;
    } catch (e) {
      if (e instanceof UpgradeRefused || e instanceof KeyError) {
        println(ctx.stderr, `claude upgrade: ${e.message}\n  hint: ${e.hint}\n  Nothing was written.`);
        return EXIT.FAILURE;
      }
      if (e instanceof DiskLayoutError || (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EACCES') {
        println(ctx.stderr, `claude upgrade: ${(e as Error).message}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};

export default command;
