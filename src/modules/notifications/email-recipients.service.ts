import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../core/auth/actor';
import { isUniqueViolation } from '../../core/database/database-errors';
import { AppError } from '../../core/errors/app-error';
import { Connection, decodeCursor, isInstant, toConnection } from '../../core/graphql/pagination';
import { assertEnvironmentScope, EnvironmentsService } from '../environments/environments.service';
import {
  CreateEmailRecipientInput,
  EnvironmentPageArgs,
  UpdateEmailRecipientInput,
} from './dto/notification.inputs';
import { assertRoomForChannel } from './channel-limit';
import { EmailRecipient } from './email-recipient.entity';

/** Email recipients of an environment's notifications (addresses validated by the inputs). */
@Injectable()
export class EmailRecipientsService {
  constructor(
    @InjectRepository(EmailRecipient) private readonly recipients: Repository<EmailRecipient>,
    private readonly environments: EnvironmentsService,
  ) {}

  async create(actor: Actor, input: CreateEmailRecipientInput): Promise<EmailRecipient> {
    const environment = await this.environments.getForActor(actor, input.environment);
    const address = input.address.toLowerCase();
    try {
      const saved = await this.recipients.manager.transaction(async (manager) => {
        await assertRoomForChannel(manager, 'email_recipient', environment.id);
        const repository = manager.getRepository(EmailRecipient);
        return repository.save(
          repository.create({
            environmentId: environment.id,
            address,
            name: input.name ?? '',
            eventTypes: input.eventTypes,
            enabled: input.enabled ?? true,
          }),
        );
      });
      return this.get(saved.id);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw AppError.conflict(`${address} is already a recipient in ${environment.key}`, {
          address,
        });
      }
      throw error;
    }
  }

  async update(actor: Actor, input: UpdateEmailRecipientInput): Promise<EmailRecipient> {
    const recipient = await this.getForActor(actor, input.id);
    if (input.name != null) recipient.name = input.name;
    if (input.eventTypes != null) recipient.eventTypes = input.eventTypes;
    if (input.enabled != null) recipient.enabled = input.enabled;
    await this.recipients.save(recipient);
    return this.get(recipient.id);
  }

  async delete(actor: Actor, id: string): Promise<string> {
    await this.getForActor(actor, id);
    await this.recipients.delete({ id });
    return id;
  }

  async list(actor: Actor, args: EnvironmentPageArgs): Promise<Connection<EmailRecipient>> {
    const environment = await this.environments.getForActor(actor, args.environment);
    const after = decodeCursor(args.after, isInstant);
    const query = this.recipients
      .createQueryBuilder('r')
      .leftJoinAndSelect('r.environment', 'environment')
      .where('r.environment_id = :environmentId', { environmentId: environment.id })
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(args.first + 1);
    if (after) query.andWhere('(r.created_at, r.id) < (:sort::timestamptz, :id::uuid)', after);
    const rows = await query.getMany();
    return toConnection(rows, args.first, (r) => ({ sort: r.createdAt.toISOString(), id: r.id }));
  }

  private async getForActor(actor: Actor, id: string): Promise<EmailRecipient> {
    const recipient = await this.get(id);
    assertEnvironmentScope(actor, recipient.environment);
    return recipient;
  }

  private async get(id: string): Promise<EmailRecipient> {
    const recipient = await this.recipients.findOne({
      where: { id },
      relations: { environment: true },
    });
    if (!recipient) throw AppError.notFound('Email recipient', { id });
    return recipient;
  }
}
