import {
  Args,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { IdArgs } from '../../core/graphql/id.args';
import { ConnectionType } from '../../core/graphql/pagination';
import { ConfigDeployment } from '../deployments/config-deployment.entity';
import { DeploymentsService } from '../deployments/deployments.service';
import { AlertEventsService } from './alert-events.service';
import { AlertMeasures } from './alert-measures.service';
import { AlertRulesService, channelsOf } from './alert-rules.service';
import { AlertUpdates } from './alert-updates.service';
import { ConfigAlertEvent } from './config-alert-event.entity';
import { ConfigAlert } from './config-alert.entity';
import {
  AcknowledgeAlertEventInput,
  AcknowledgeAlertEventPayload,
  AlertEventsArgs,
  AlertMetricSeries,
  AlertMetricSeriesArgs,
  AlertsArgs,
  AlertTriggeredArgs,
  CreateAlertInput,
  CreateAlertPayload,
  DeleteAlertInput,
  DeleteAlertPayload,
  UpdateAlertInput,
  UpdateAlertPayload,
} from './dto/alert.inputs';

export const ConfigAlertConnection = ConnectionType(ConfigAlert, 'ConfigAlert');
export const ConfigAlertEventConnection = ConnectionType(ConfigAlertEvent, 'ConfigAlertEvent');

/** Alert rules: viewers read them, editors change them. */
@Resolver(() => ConfigAlert)
export class AlertsResolver {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly events: AlertEventsService,
    private readonly measures: AlertMeasures,
  ) {}

  @Query(() => ConfigAlertConnection, {
    description: "An environment's alert rules, newest first.",
  })
  alerts(@CurrentActor() actor: Actor, @Args() args: AlertsArgs) {
    return this.rules.list(actor, args);
  }

  @Query(() => ConfigAlert)
  alert(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<ConfigAlert> {
    return this.rules.getForActor(actor, id);
  }

  @Query(() => AlertMetricSeries, {
    description:
      'What a rule with this condition and window would measure over the last 24 hours, every 5 minutes: the preview of the rule form.',
  })
  alertMetricSeries(
    @CurrentActor() actor: Actor,
    @Args() args: AlertMetricSeriesArgs,
  ): Promise<AlertMetricSeries> {
    return this.measures.series(actor, args);
  }

  @Mutation(() => CreateAlertPayload)
  @Allow(Role.EDITOR)
  async createAlert(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateAlertInput,
  ): Promise<CreateAlertPayload> {
    return { alert: await this.rules.create(actor, input) };
  }

  @Mutation(() => UpdateAlertPayload, { description: 'Changes the fields given.' })
  @Allow(Role.EDITOR)
  async updateAlert(
    @CurrentActor() actor: Actor,
    @Args('input') input: UpdateAlertInput,
  ): Promise<UpdateAlertPayload> {
    return { alert: await this.rules.update(actor, input) };
  }

  @Mutation(() => DeleteAlertPayload, { description: 'Deletes the rule and its events.' })
  @Allow(Role.EDITOR)
  async deleteAlert(
    @CurrentActor() actor: Actor,
    @Args('input') input: DeleteAlertInput,
  ): Promise<DeleteAlertPayload> {
    return { id: await this.rules.delete(actor, input.id) };
  }

  @ResolveField(() => [ID], { description: 'The webhook endpoints it notifies.' })
  webhookEndpointIds(@Parent() alert: ConfigAlert): string[] {
    return channelsOf(alert).webhookEndpointIds;
  }

  @ResolveField(() => [ID], { description: 'The email recipients it notifies.' })
  emailRecipientIds(@Parent() alert: ConfigAlert): string[] {
    return channelsOf(alert).emailRecipientIds;
  }

  @ResolveField(() => ConfigAlertEvent, {
    nullable: true,
    description: 'Its open or acknowledged event, if it has one.',
  })
  unresolvedEvent(@Parent() alert: ConfigAlert): Promise<ConfigAlertEvent | null> {
    return this.events.unresolvedOf(alert.id);
  }
}

/** Alert events: viewers read and follow them, editors acknowledge them. */
@Resolver(() => ConfigAlertEvent)
export class AlertEventsResolver {
  constructor(
    private readonly events: AlertEventsService,
    private readonly rules: AlertRulesService,
    private readonly deployments: DeploymentsService,
    private readonly updates: AlertUpdates,
  ) {}

  @Query(() => ConfigAlertEventConnection, {
    description: "An environment's alert events, the most recently opened first.",
  })
  alertEvents(@CurrentActor() actor: Actor, @Args() args: AlertEventsArgs) {
    return this.events.list(actor, args);
  }

  @Mutation(() => AcknowledgeAlertEventPayload, {
    description: 'Records who is on an open event, when, and their comment.',
  })
  @Allow(Role.EDITOR)
  async acknowledgeAlertEvent(
    @CurrentActor() actor: Actor,
    @Args('input') input: AcknowledgeAlertEventInput,
  ): Promise<AcknowledgeAlertEventPayload> {
    return { event: await this.events.acknowledge(actor, input) };
  }

  @Subscription(() => ConfigAlertEvent, {
    description: 'Each alert event opened in the environment, as it opens.',
    resolve: (event: ConfigAlertEvent) => event,
  })
  @Allow(Role.VIEWER)
  alertTriggered(@CurrentActor() actor: Actor, @Args() args: AlertTriggeredArgs) {
    return this.updates.stream(actor, args.environment);
  }

  @ResolveField(() => ConfigAlert, { nullable: true, description: 'The rule, as it is now.' })
  alert(@Parent() event: ConfigAlertEvent): Promise<ConfigAlert | null> {
    return this.rules.findById(event.alertId);
  }

  @ResolveField(() => ConfigDeployment, {
    nullable: true,
    description: 'The deployment it tripped, as it is now.',
  })
  deployment(@Parent() event: ConfigAlertEvent): Promise<ConfigDeployment | null> {
    return event.deploymentId
      ? this.deployments.findById(event.deploymentId)
      : Promise.resolve(null);
  }
}
