import { describe, expect, it } from 'vitest';
import { askApproval, readApproval } from './answers.js';
import { Cancelled } from './context.js';
import { lineReader } from './prompt.js';
import { PassThrough } from 'node:stream';

const kind = (line: string | null, modify = true) => {
  const a = readApproval(line, { modify });
  return a.answer === 'no' ? `no/${a.why}` : a.answer === 'modify' ? `modify${a.change ? `:${a.change}` : ''}` : a.answer;
};

describe('readApproval: what a person means at [yes/no/modify]', () => {
  it.each(['y', 'Y', 'yes', 'YES', 'yes please', 'Yes, please!', 'ok', 'OK.', 'okay', 'sure', 'yep', 'yeah', 'do it', 'go ahead', 'apply', 'yes thanks', ' yes '])('%j is yes', (line) => {
    expect(kind(line)).toBe('yes');
  });
  it.each(['n', 'N', 'no', 'nope', 'nah', 'cancel', 'q', 'quit', 'exit', 'abort', 'stop', 'no thanks', 'No, thank you.', 'never mind'])('%j is no', (line) => {
    expect(kind(line)).toBe('no/said');
  });
  it.each(['not yet', 'Not now.', 'later', 'maybe later', 'not today', 'no, not yet'])('%j (not now) is no, not a change', (line) => {
    expect(kind(line)).toBe('no/said');
    expect(kind(line, false)).toBe('no/said');
  });
  it.each(['wait', 'Hold on', 'hang on...', 'one moment', 'just a sec', 'not sure', 'let me think'])('%j (a pause) is asked again, not a change', (line) => {
    const a = readApproval(line, { modify: true });
    expect(a).toEqual({ answer: 'unclear', why: 'Take your time: nothing is applied until you answer; type yes to apply, no to cancel, or modify to say what to change.' });
  });
  it('an empty line and the end of input (Ctrl-D) are no, said apart', () => {
    expect(kind('')).toBe('no/empty');
    expect(kind('   ')).toBe('no/empty');
    expect(kind(null)).toBe('no/end');
  });
  it.each(['m', 'modify', 'Modify', 'change', 'edit'])('%j asks what to change', (line) => {
    expect(kind(line)).toBe('modify');
  });
  it.each([
    ['use port 8080 instead', 'modify:use port 8080 instead'],
    ['also add redis', 'modify:also add redis'],
    ['modify: give it 256mb', 'modify:give it 256mb'],
    ['modify give it 256mb', 'modify:give it 256mb'],
    // a change said in the negative is a change, not a no with more
    ["don't publish its port on the host", "modify:don't publish its port on the host"],
    ['dont expose redis', 'modify:dont expose redis'],
    ['do not open 5432 to the world', 'modify:do not open 5432 to the world'],
    ["Don't back it up", "modify:Don't back it up"],
  ])('%j is a change', (line, expected) => {
    expect(kind(line)).toBe(expected);
  });
  it.each([
    ['echo $USER', 'looks like a shell command'],
    ['docker ps', 'looks like a shell command'],
    ['ls -la', 'looks like a shell command'],
    ['cat /etc/passwd | head', 'looks like a shell command'],
    ['maybe', 'is not an answer I know'],
    ['yse', 'is not an answer I know'],
    ['what does this do?', 'is a question'],
    ['yes but use port 8080', 'says yes and more'],
    ['no, use port 8080', 'says no and more'],
    ["don't apply it yet", 'says no and more'],
    ["don't do that", 'says no and more'],
    ['do not proceed', 'says no and more'],
  ])('%j is unclear: %s', (line, why) => {
    const a = readApproval(line, { modify: true });
    expect(a.answer).toBe('unclear');
    expect(a.answer === 'unclear' && a.why).toContain(why);
  });
  it('at [yes/no] a change or modify is unclear, yes and no are the same words', () => {
    expect(kind('yes please', false)).toBe('yes');
    expect(kind('nope', false)).toBe('no/said');
    expect(kind('modify', false)).toBe('unclear');
    expect(kind('use port 8080 instead', false)).toBe('unclear');
    const a = readApproval('use port 8080', { modify: false });
    expect(a.answer === 'unclear' && a.why).toBe('"use port 8080" is neither yes nor no; type yes or no.');
  });
});

describe('askApproval', () => {
  it('asks again, saying why, until the answer is clear; the end of input is no', async () => {
    const typed: (string | null)[] = ['echo $USER', 'maybe', 'ok'];
    const prompts: string[] = [];
    const reader = { next: async (p: string) => (prompts.push(p), typed.shift() ?? null), close() {} };
    expect(await askApproval(reader, 'Apply? [yes/no/modify] ', { modify: true })).toEqual({ answer: 'yes' });
    expect(prompts).toEqual([
      'Apply? [yes/no/modify] ',
      '"echo $USER" looks like a shell command, not an answer; type yes to apply, no to cancel, or modify to say what to change.\nApply? [yes/no/modify] ',
      '"maybe" is not an answer I know; type yes to apply, no to cancel, or modify to say what to change.\nApply? [yes/no/modify] ',
    ]);
    expect(await askApproval(reader, 'Apply? [yes/no] ', { modify: false })).toEqual({ answer: 'no', why: 'end' });
  });
  it('Ctrl-C cancels: it throws Cancelled, it is not a no', async () => {
    const t = terminal();
    const asked = askApproval(t.reader, 'Apply? [yes/no/modify] ', { modify: true });
    t.stdin.write('\x03');
    await expect(asked).rejects.toBeInstanceOf(Cancelled);
  });
});

/** A terminal line reader (readline in raw mode, keys as a terminal sends them) over a pipe. */
function terminal() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  stdout.resume();
  return { stdin, reader: lineReader({ stdin, stdout }, { terminal: true }) };
}

describe('lineReader in a terminal: one meaning of Ctrl-C and Ctrl-D at every prompt', () => {
  it('Ctrl-C at a free-text prompt ("claude> ", "What should change?") rejects with Cancelled; it was an end of input (null)', async () => {
    const t = terminal();
    const asked = t.reader.next('claude> ');
    t.stdin.write('\x03');
    await expect(asked).rejects.toBeInstanceOf(Cancelled);
    // every later prompt of the command is cancelled too, never answered
    await expect(t.reader.next('Your answer (or press enter to stop): ')).rejects.toBeInstanceOf(Cancelled);
  });
  it('Ctrl-C drops what was typed ahead of the prompt', async () => {
    const t = terminal();
    t.stdin.write('yes\r\x03');
    await new Promise((r) => setImmediate(r));
    await expect(t.reader.next('Apply? ')).rejects.toBeInstanceOf(Cancelled);
  });
  it('Ctrl-D and an empty line keep their meaning: the end of input (null) and ""', async () => {
    const t = terminal();
    const empty = t.reader.next('What should change? ');
    t.stdin.write('\r');
    expect(await empty).toBe('');
    const typed = t.reader.next('claude> ');
    t.stdin.write('add redis\r');
    expect(await typed).toBe('add redis');
    const end = t.reader.next('claude> ');
    t.stdin.write('\x04');
    expect(await end).toBeNull();
    expect(await t.reader.next('claude> ')).toBeNull();
  });
});
