/**
 * What both LLM providers share: the `propose_changes` tool, and reading a model's reply
 * (tool input first; ```yaml:FILE blocks in text only as a fallback) into a Proposal.
 * Reading is lenient about shape and strict about nothing else: names and contents are
 * vetted later by validate-proposal.ts.
 */
import { STATE_FILE_NAMES } from '../model.js';
import type { Proposal } from './provider.js';
import { cleanText } from '../../common/terminal.js';
import { MAX_EXPLANATION_CHARS, checkToolInput } from './reply-schema.js';

export const TOOL_NAME = 'propose_changes';

export const TOOL_DESCRIPTION =
  'Propose new contents for Claude.OS state files. Give the COMPLETE new text of each file you change (YAML), ' +
  'leave out files you do not change, and explain the change for the user. The compiler validates the files; ' +
  'the user approves the resulting plan. You cannot approve anything yourself.';

/** JSON Schema of the tool input: the six state files (each optional full YAML text) and an explanation. */
export const TOOL_INPUT_SCHEMA = {
  type: 'object',
  properties: {
    files: {
      type: 'object',
      description: 'New full contents by file name. Only these six names exist; no paths.',
      properties: Object.fromEntries(STATE_FILE_NAMES.map((n) => [n, { type: 'string', description: `complete new ${n} (YAML)` }])),
      additionalProperties: false,
    },
    explanation: { type: 'string', description: 'What the change does, for the user: + added, ~ changed, - removed, and warnings.' },
    warnings: { type: 'array', items: { type: 'string' }, description: 'Things the user must know before approving.' },
  },
  required: ['explanation'],
  additionalProperties: false,
} as const;

/** ```yaml:services.yaml … ``` blocks in free text (the spec's output format). */
export function extractYamlBlocks(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/```ya?ml:([^\s`]+)[^\n]*\n([\s\S]*?)\n?```/g)) {
    out[m[1]!.trim()] = m[2]!.endsWith('\n') ? m[2]! : m[2]! + '\n';
  }
  return out;
}

function stripYamlBlocks(text: string): string {
  return text.replace(/```ya?ml:[^\n]*\n[\s\S]*?```/g, '').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * A proposal from a tool input (object) and/or the reply's text. Unknown tool input keys
 * (say `approved: true`) are ignored and reported as a warning.
 */
export function proposalFromReply(provider: string, toolInput: unknown, text: string): Proposal {
  const warnings: string[] = [];
  if (toolInput !== undefined) {
    // Checked against the tool's schema (and each file against the 1 MiB limit) before use:
    // a bad input goes back to the model as a problem to repair; nothing of it is kept.
    const problems = checkToolInput(toolInput);
    if (problems.length > 0) return { provider, files: {}, explanation: '', problems };
  }
  if (toolInput && typeof toolInput === 'object' && !Array.isArray(toolInput)) {
    const input = toolInput as Record<string, unknown>;
    const extra = Object.keys(input).filter((k) => !['files', 'explanation', 'warnings'].includes(k));
    if (extra.length > 0) warnings.push(`ignored ${extra.join(', ')} in the model's reply: a proposal can only carry state files and an explanation`);
    const files: Record<string, string> = {};
    if (input.files && typeof input.files === 'object' && !Array.isArray(input.files)) {
      for (const [k, v] of Object.entries(input.files as Record<string, unknown>)) files[k] = v as string;
    }
    const explanation = [typeof input.explanation === 'string' ? input.explanation : '', text.trim()].filter(Boolean).join('\n\n');
    if (Array.isArray(input.warnings)) warnings.push(...input.warnings.filter((w): w is string => typeof w === 'string'));
    const p: Proposal = { provider, files, explanation: capExplanation(cleanText(explanation || '(no explanation given)')) };
    if (warnings.length) p.warnings = warnings.map((w) => cleanText(w, { multiline: false }));
    return p;
  }
  const blocks = extractYamlBlocks(text);
  const blockProblems = Object.keys(blocks).length ? checkToolInput({ files: blocks }) : [];
  if (blockProblems.length > 0) return { provider, files: {}, explanation: '', problems: blockProblems };
  const p: Proposal = { provider, files: blocks, explanation: capExplanation(cleanText(Object.keys(blocks).length ? stripYamlBlocks(text) || '(no explanation given)' : text.trim())) };
  if (Object.keys(blocks).length === 0 && text.trim() !== '') p.questions = [];
  return p;
}

/** The explanation cut at MAX_EXPLANATION_CHARS (it is printed and stored in the conversation). */
export function capExplanation(text: string): string {
  if (text.length <= MAX_EXPLANATION_CHARS) return text;
  return `${text.slice(0, MAX_EXPLANATION_CHARS)}\n… (${text.length - MAX_EXPLANATION_CHARS} more characters of the model's explanation not shown)`;
}
