/**
 * problem+json in the document, made from PROBLEMS itself (worker/errors.ts),
 * so a code added there is documented with its status and title at once.
 * One `Problem` schema (one type for a client generator); each operation's
 * error answers name their codes in the description and in `x-psea-codes`.
 */
import { PROBLEMS, type ProblemCode } from '../errors';
import { componentRef, type JsonSchema } from './json-schema';

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const CODES = Object.keys(PROBLEMS) as ProblemCode[];

/** `components.schemas.Problem`: RFC 9457 with the closed set of codes. */
export function problemSchema(): JsonSchema {
  const table = CODES.map(
    (code) => `| ${PROBLEMS[code][0]} | \`${code}\` | ${PROBLEMS[code][1]} |`,
  );
  return {
    type: 'object',
    description: [
      'RFC 9457 problem details; `code` is the stable machine code.',
      '',
      '| status | code | title |',
      '|---|---|---|',
      ...table,
    ].join('\n'),
    properties: {
      type: { type: 'string', const: 'about:blank' },
      status: {
        type: 'integer',
        enum: [...new Set(CODES.map((code) => PROBLEMS[code][0]))].sort((a, b) => a - b),
      },
      title: { type: 'string' },
      code: { type: 'string', enum: CODES },
      detail: {
        type: 'string',
        description: 'What failed, e.g. the failing field of a 400; never a secret',
      },
    },
    required: ['type', 'status', 'title', 'code'],
    // Each code with its status and title, once: what a client switches on.
    'x-psea-codes': Object.fromEntries(
      CODES.map((code) => [code, { status: PROBLEMS[code][0], title: PROBLEMS[code][1] }]),
    ),
  };
}

/** An operation's error answers, one per status, each naming the codes it may carry there. */
export function problemResponses(codes: readonly ProblemCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = PROBLEMS[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${PROBLEMS[code][1]}`).join('; '),
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: componentRef('Problem') } } },
      'x-psea-codes': list,
    };
  }
  return responses;
}
