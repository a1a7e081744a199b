import { describe, expect, it } from 'vitest';
import { askApproval, readApproval } from './answers.js';
import { Cancelled } from './context.js';

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
  it('Ctrl-C (the reader says interrupted) cancels: it throws Cancelled, it is not a no', async () => {
    const reader = { next: async () => null, close() {}, interrupted: true };
    await expect(askApproval(reader, 'Apply? [yes/no/modify] ', { modify: true })).rejects.toBeInstanceOf(Cancelled);
  });
});
