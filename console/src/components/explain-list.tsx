import { List, Text } from '@mantine/core';
import { explainLines, type ExplainStepLike } from '../pages/config-editor/explain';

/** An explanation's steps as an indented list: whether each held, and what it looked at. */
export function ExplainList({ steps }: { steps: readonly ExplainStepLike[] }) {
  return (
    <List listStyleType="none" spacing={2} aria-label="Explanation">
      {explainLines(steps).map((line, i) => (
        <List.Item key={i} style={{ paddingLeft: line.depth * 20 }}>
          <Text size="sm" c={line.outcome ? 'teal.9' : 'red.9'} component="span">
            {line.outcome ? '✓ held' : '✗ did not hold'}
          </Text>{' '}
          <Text size="sm" component="span">
            {line.text}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
