import { ApolloServerPlugin } from '@apollo/server';
import { MetricsService } from './metrics.service';

/** Times every GraphQL request and labels it with its operation. */
export function graphqlMetricsPlugin(metrics: MetricsService): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const stop = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse({ operation, operationName, errors }) {
          stop({
            operation_type: operation?.operation ?? 'unknown',
            operation_name: metrics.operationLabel(operationName),
            outcome: errors?.length ? 'error' : 'ok',
          });
        },
      };
    },
  };
}
