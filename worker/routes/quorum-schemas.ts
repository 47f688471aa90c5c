/**
 * `POST /v1/quorums` (docs/quorum.md): who asked, the groups that must each
 * approve, and the action as for `POST /v1/actions`. The rules across
 * members (the initiator never listed, a user in one group only, at most 20
 * approvers in all, `required` at most the group's size) are checked here,
 * so every one is a 400 naming its field.
 */
import * as z from 'zod';
import { Action, ActionRequest, UserId, wellFormed } from './schemas';

/** The most approvers a quorum lists, over all its groups. */
const MAX_APPROVERS = 20;

const QuorumUser = z.object({ id: UserId, name: wellFormed(64).optional() });

const QuorumGroup = z
  .object({
    name: wellFormed(64).optional(),
    users: z.array(QuorumUser).min(1).max(MAX_APPROVERS),
    required: z.number().int().min(1),
  })
  .refine((g) => g.required <= g.users.length, {
    message: 'must be at most the number of users',
    path: ['required'],
  });

export const QuorumRequest = z
  .object({
    /** The user or agent who asked: it approves nothing. */
    initiator: UserId,
    groups: z.array(QuorumGroup).min(1).max(5),
    action: Action,
    display: ActionRequest.shape.display,
    audience: ActionRequest.shape.audience,
    /** 60 s to 7 days, default a day (the 3600 s cap is POST /v1/actions'). */
    ttl: z.number().int().min(60).max(604_800).optional(),
    reference: ActionRequest.shape.reference,
    callbackUrl: ActionRequest.shape.callbackUrl,
    /** A batch needs one approver's view of every item: not offered for a quorum. */
    batch: z.never({ error: 'a quorum approves one action; batch is not allowed' }).optional(),
  })
  .superRefine((q, ctx) => {
    const seen = new Set<string>();
    let total = 0;
    q.groups.forEach((g, gi) =>
      g.users.forEach((u, ui) => {
        total++;
        const path = ['groups', gi, 'users', ui, 'id'];
        if (u.id === q.initiator)
          ctx.addIssue({
            code: 'custom',
            path,
            message: 'the initiator never approves its own request',
          });
        else if (seen.has(u.id))
          ctx.addIssue({
            code: 'custom',
            path,
            message: 'a user appears at most once across all groups',
          });
        seen.add(u.id);
      }),
    );
    if (total > MAX_APPROVERS)
      ctx.addIssue({
        code: 'custom',
        path: ['groups'],
        message: `at most ${MAX_APPROVERS} users in all`,
      });
  });
