import { leaderUnary, unary } from '#coordinator-client/coordinator-client.js';
import type { PlanChange__Output } from '#shared/gen/signalbox/v1/PlanChange.js';
import type { CliIo } from '../cli-io.js';
import { printJson, runRemote } from '../remote.js';
import { formatTable } from '../table.js';

/**
 * `signalbox plan [--dry-run]` against a running coordinator: a plan made from scratch for the swarm as it
 * is, compared with the plan in force. `--dry-run` only shows it; without it the leader adopts the plan and
 * the clusters it changes get config jobs.
 */
export function runRemotePlanCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env) {
  return runRemote(
    'plan',
    args,
    io,
    env,
    { options: { 'dry-run': { type: 'boolean', default: false } } },
    async ({ client, values }) => {
      const dryRun = values['dry-run'] === true;
      const res = dryRun
        ? await unary<object, PlanChange__Output>(client.PreviewPlan.bind(client), {})
        : await leaderUnary<object, PlanChange__Output>(client.ApplyPlan.bind(client), {});
      if (values.json) return printJson(io, res);
      const b = res.before;
      const a = res.after;
      io.stdout(
        formatTable(
          ['METRIC', 'IN FORCE', 'FRESH PLAN'],
          [
            [
              'max networks per proxy',
              String(b?.maxNetworksPerProxy ?? 0),
              String(a?.maxNetworksPerProxy ?? 0),
            ],
            ['network attachments', String(b?.totalAttachments ?? 0), String(a?.totalAttachments ?? 0)],
            ['lower bound', String(b?.lowerBoundMax ?? 0), String(a?.lowerBoundMax ?? 0)],
          ],
        ),
      );
      io.stdout(`\n${res.moves.length} move(s), planned in ${Math.round(res.millis)} ms\n`);
      if (res.moves.length > 0)
        io.stdout(
          formatTable(
            ['SERVICE', 'FROM', 'TO', 'WHY'],
            res.moves.map((m) => [m.service, m.from || '(default)', m.to || '(default)', m.reason]),
          ),
        );
      io.stdout(
        res.applied ? 'applied: the changed clusters get config jobs\n' : 'dry run: nothing changed\n',
      );
    },
  );
}
