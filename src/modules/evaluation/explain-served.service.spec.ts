import { Actor } from '../../core/auth/actor';
import { Role } from '../../core/auth/role';
import { AppError } from '../../core/errors/app-error';
import { CONFIG_DEFAULTS, ConfigState } from '../../engine/config-state';
import { EnvironmentsService } from '../environments/environments.service';
import { ChangeAction, ConfigChangeLog } from '../history/config-change-log.entity';
import { HistoryService } from '../history/history.service';
import { ExplainServedService, ServedFetchLogReader } from './explain-served.service';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const ACTOR: Actor = {
  kind: 'api_key',
  id: 'k',
  name: 'support',
  roles: [Role.VIEWER],
  environmentId: null,
};
const STATE: ConfigState = {
  ...CONFIG_DEFAULTS,
  key: 'banner',
  valueType: 'string',
  value: 'blue',
  defaultValue: 'grey',
};

/** One environment whose history holds one entry of `banner`, created an hour before NOW. */
function service(fetchLog?: ServedFetchLogReader): ExplainServedService {
  const entry = Object.assign(new ConfigChangeLog(), {
    id: 'entry-1',
    action: ChangeAction.CREATE,
    after: STATE,
    configVersion: 1,
    createdAt: new Date(NOW.getTime() - 3_600_000),
  });
  const environments = {
    getForActor: async (_actor: Actor, key: string) => ({ id: 'env-id', key }),
  } as unknown as EnvironmentsService;
  const history = {
    stateAt: async (_environmentId: string, key: string, at: Date) => ({
      entry: key === 'banner' && at >= entry.createdAt ? entry : null,
      known: key === 'banner',
    }),
  } as unknown as HistoryService;
  return new ExplainServedService(environments, history, fetchLog);
}

const ask = (at: Date, key = 'banner') => ({
  environment: 'production',
  key,
  context: { user: { id: 'u-1' } },
  at,
});

describe('ExplainServedService', () => {
  it('accepts now itself and refuses a millisecond later, naming at', async () => {
    await expect(service().explain(ACTOR, ask(NOW), NOW)).resolves.toMatchObject({
      result: { value: 'blue', reason: 'FALLTHROUGH', version: 1 },
    });
    const later = service().explain(ACTOR, ask(new Date(NOW.getTime() + 1)), NOW);
    await expect(later).rejects.toBeInstanceOf(AppError);
    await expect(later).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { validationErrors: [expect.objectContaining({ path: 'at', rule: 'notInFuture' })] },
    });
  });

  it('leaves the fetch log null until a reader is provided, then passes its records on', async () => {
    await expect(service().explain(ACTOR, ask(NOW), NOW)).resolves.toMatchObject({
      fetchLogRecords: null,
    });
    const asked: unknown[] = [];
    const reader: ServedFetchLogReader = {
      around: async (environmentId, key, context, at) => {
        asked.push({ environmentId, key, context, at });
        return [{ userId: 'u-1', reason: 'FALLTHROUGH' }];
      },
    };
    await expect(service(reader).explain(ACTOR, ask(NOW), NOW)).resolves.toMatchObject({
      fetchLogRecords: [{ userId: 'u-1', reason: 'FALLTHROUGH' }],
    });
    expect(asked).toEqual([
      { environmentId: 'env-id', key: 'banner', context: { user: { id: 'u-1' } }, at: NOW },
    ]);
  });

  it('tells a config created later from one that never existed', async () => {
    const early = new Date(NOW.getTime() - 7_200_000);
    await expect(service().explain(ACTOR, ask(early), NOW)).resolves.toMatchObject({
      configState: 'NOT_CREATED',
      change: null,
      result: { errorCode: 'FLAG_NOT_FOUND' },
    });
    await expect(service().explain(ACTOR, ask(NOW, 'other'), NOW)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
