import { useQuery } from 'urql';
import { EnvironmentsQuery } from './operations';

export function useEnvironments() {
  const [result, refetch] = useQuery({ query: EnvironmentsQuery });
  return {
    environments: result.data?.environments ?? [],
    fetching: result.fetching && !result.data,
    error: result.error,
    refetch: () => refetch({ requestPolicy: 'network-only' }),
  };
}
