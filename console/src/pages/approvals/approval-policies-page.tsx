import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeProblem } from '../../api/errors';
import type { ApprovalPolicyFieldsFragment } from '../../api/gql/graphql';
import { ApiKeysQuery } from '../../api/operations';
import { useSession } from '../../api/session-context';
import { PageSkeleton } from '../../components/page-skeleton';
import { ProblemAlert, SaveProblemAlert } from '../../components/problem-alert';
import { routes } from '../../routes';
import {
  newPolicyDraft,
  policyErrors,
  toPolicyDraft,
  toPolicyInput,
  type PolicyDraft,
} from './policy-draft';
import {
  ApprovalPoliciesQuery,
  DeleteApprovalPolicyMutation,
  SetApprovalPolicyMutation,
} from './queries';

type Policy = ApprovalPolicyFieldsFragment;

/** An environment's approval policies: who must approve changes to which configs (admins edit). */
export function ApprovalPoliciesPage() {
  const { env = '' } = useParams();
  const { isAdmin } = useSession();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ApprovalPoliciesQuery,
    variables: { environment: env },
    requestPolicy: 'cache-and-network',
  });
  // The newest 50 keys name the approvers (older ones show by id) and are offered as approvers.
  const [{ data: keys }] = useQuery({
    query: ApiKeysQuery,
    variables: { first: 50 },
    pause: !isAdmin,
  });
  const keyName = new Map(
    (keys?.apiKeys.edges ?? []).map(({ node }) => [
      node.id,
      node.owner ? `${node.owner.name} (${node.name})` : node.name,
    ]),
  );
  const [editing, setEditing] = useState<PolicyDraft | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const policies = data?.approvalPolicies ?? [];
  return (
    <Stack maw={1000}>
      <Text size="sm">
        <Anchor component={Link} to={routes.approvals(env)}>
          Approvals
        </Anchor>{' '}
        / policies
      </Text>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Approval policies
        </Title>
        {isAdmin && <Button onClick={() => setEditing(newPolicyDraft())}>New policy</Button>}
      </Group>
      <Text size="sm" c="dimmed">
        A change to a config that a policy governs needs its levels&apos; approvals, in order. The
        most specific pattern governs a key; a policy without a pattern governs every key.
      </Text>
      {error && <ProblemAlert error={error} onRetry={reload} />}
      {fetching && !data ? (
        <PageSkeleton rows={3} />
      ) : policies.length === 0 ? (
        <Alert color="gray" title="No approval policy" role="status">
          Changes in this environment need no approval.
        </Alert>
      ) : (
        policies.map((policy) => (
          <PolicyCard
            key={policy.id}
            policy={policy}
            keyName={(id) => keyName.get(id) ?? id}
            onEdit={isAdmin ? () => setEditing(toPolicyDraft(policy)) : undefined}
          />
        ))
      )}
      {editing && (
        <PolicyForm
          environment={env}
          initial={editing}
          keys={(keys?.apiKeys.edges ?? [])
            .map(({ node }) => node)
            .filter((k) => !k.revokedAt && (!k.environment || k.environment.key === env))
            .map((k) => ({ value: k.id, label: keyName.get(k.id) ?? k.name }))}
          isNew={!policies.some((p) => p.name === editing.name)}
          onClose={(changed) => {
            setEditing(null);
            if (changed) reload();
          }}
        />
      )}
    </Stack>
  );
}

function PolicyCard({
  policy,
  keyName,
  onEdit,
}: {
  policy: Policy;
  keyName(id: string): string;
  onEdit?: () => void;
}) {
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={2} size="h4">
              {policy.name}
            </Title>
            <Badge variant="outline" color="dark" tt="none">
              {policy.configKeyPattern ?? 'every key'}
            </Badge>
          </Group>
          {onEdit && (
            <Button size="xs" variant="default" onClick={onEdit}>
              Edit {policy.name}
            </Button>
          )}
        </Group>
        <Stack gap={2} component="ol" style={{ margin: 0 }}>
          {policy.levels.map((level, i) => (
            <Text size="sm" component="li" key={i}>
              <strong>{level.name}</strong>: {level.required} of{' '}
              {[
                ...level.approverKeyIds.map(keyName),
                ...(level.anyApprover ? ['any approver'] : []),
              ].join(', ')}
            </Text>
          ))}
        </Stack>
        <Text size="xs" c="dimmed">
          {policy.rejectionCloses ? 'A rejection closes a request. ' : ''}
          {policy.editResetsReviews ? 'An edit starts the reviews over. ' : ''}
          {policy.allowAdminBypass ? 'Admins may bypass it with a reason. ' : ''}
          {policy.exemptSafetyActions ? 'Pauses and rollbacks need no approval. ' : ''}
          Set by {policy.updatedBy}.
        </Text>
      </Stack>
    </Paper>
  );
}

function PolicyForm({
  environment,
  initial,
  keys,
  isNew,
  onClose,
}: {
  environment: string;
  initial: PolicyDraft;
  keys: { value: string; label: string }[];
  isNew: boolean;
  onClose(changed: boolean): void;
}) {
  const [draft, setDraft] = useState(initial);
  const [comment, setComment] = useState('');
  const [saved, save] = useMutation(SetApprovalPolicyMutation);
  const [deleted, remove] = useMutation(DeleteApprovalPolicyMutation);
  const problem = saved.error ? describeProblem(saved.error) : null;
  const errors = policyErrors(problem?.validationErrors ?? []);
  const setLevel = (i: number, patch: Partial<PolicyDraft['levels'][number]>) =>
    setDraft((d) => ({
      ...d,
      levels: d.levels.map((level, j) => (j === i ? { ...level, ...patch } : level)),
    }));
  const submit = async () => {
    const result = await save({ input: toPolicyInput(environment, draft, comment) });
    if (!result.error) onClose(true);
  };
  return (
    <Modal
      opened
      onClose={() => onClose(false)}
      title={isNew ? 'New policy' : `Edit ${draft.name}`}
      size="lg"
    >
      <Stack gap="sm">
        <TextInput
          label="Name"
          required
          readOnly={!isNew}
          value={draft.name}
          error={errors.name}
          onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
        />
        <TextInput
          label="Config key pattern"
          description="Key characters and * for any (checkout.*); empty: every key"
          value={draft.configKeyPattern}
          error={errors.configKeyPattern}
          onChange={(e) => setDraft({ ...draft, configKeyPattern: e.currentTarget.value })}
        />
        {draft.levels.map((level, i) => (
          <Fieldset key={i} legend={`Level ${i + 1}`}>
            <Stack gap="xs">
              <TextInput
                label={`Level ${i + 1} name`}
                placeholder={`Level ${i + 1}`}
                value={level.name}
                onChange={(e) => setLevel(i, { name: e.currentTarget.value })}
              />
              <MultiSelect
                label={`Level ${i + 1} approvers`}
                data={keys}
                searchable
                value={level.approverKeyIds}
                error={errors[`levels.${i}.approverKeyIds`]}
                onChange={(approverKeyIds) => setLevel(i, { approverKeyIds })}
              />
              <Checkbox
                label={`Any key with the approver role may approve at level ${i + 1}`}
                checked={level.anyApprover}
                onChange={(e) => setLevel(i, { anyApprover: e.currentTarget.checked })}
              />
              <Group align="flex-end">
                <NumberInput
                  label={`Level ${i + 1} approvals required`}
                  min={1}
                  max={50}
                  allowDecimal={false}
                  w={220}
                  value={level.required}
                  error={errors[`levels.${i}.required`]}
                  onChange={(v) => setLevel(i, { required: typeof v === 'number' ? v : 1 })}
                />
                {draft.levels.length > 1 && (
                  <Button
                    variant="subtle"
                    color="red.9"
                    onClick={() =>
                      setDraft((d) => ({ ...d, levels: d.levels.filter((_, j) => j !== i) }))
                    }
                  >
                    Remove level {i + 1}
                  </Button>
                )}
              </Group>
            </Stack>
          </Fieldset>
        ))}
        {draft.levels.length < 5 && (
          <Button
            variant="default"
            onClick={() =>
              setDraft((d) => ({
                ...d,
                levels: [
                  ...d.levels,
                  { name: '', approverKeyIds: [], anyApprover: false, required: 1 },
                ],
              }))
            }
          >
            Add a level
          </Button>
        )}
        <Checkbox
          label="One rejection closes the request"
          checked={draft.rejectionCloses}
          onChange={(e) => setDraft({ ...draft, rejectionCloses: e.currentTarget.checked })}
        />
        <Checkbox
          label="An edit by the requester starts the reviews over"
          checked={draft.editResetsReviews}
          onChange={(e) => setDraft({ ...draft, editResetsReviews: e.currentTarget.checked })}
        />
        <Checkbox
          label="Admins may bypass it, with a reason"
          checked={draft.allowAdminBypass}
          onChange={(e) => setDraft({ ...draft, allowAdminBypass: e.currentTarget.checked })}
        />
        <Checkbox
          label="Pausing and rolling back need no approval"
          checked={draft.exemptSafetyActions}
          onChange={(e) => setDraft({ ...draft, exemptSafetyActions: e.currentTarget.checked })}
        />
        <TextInput
          label="Comment for the audit trail"
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
        />
        {saved.error && <SaveProblemAlert error={saved.error} title="The policy was not saved" />}
        {deleted.error && <ProblemAlert error={deleted.error} />}
        <Group justify="space-between">
          {!isNew ? (
            <Button
              color="red.9"
              variant="outline"
              loading={deleted.fetching}
              onClick={async () => {
                const result = await remove({
                  input: { environment, name: draft.name, comment: comment || null },
                });
                if (!result.error) onClose(true);
              }}
            >
              Delete policy
            </Button>
          ) : (
            <span />
          )}
          <Group>
            <Button variant="default" onClick={() => onClose(false)}>
              Cancel
            </Button>
            <Button onClick={submit} loading={saved.fetching} disabled={!draft.name.trim()}>
              Save policy
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
