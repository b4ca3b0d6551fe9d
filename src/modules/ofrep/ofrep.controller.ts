import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { Response } from 'express';
import { Actor } from '../../core/auth/actor';
import { Allow, CurrentActor } from '../../core/auth/auth.decorators';
import { Role } from '../../core/auth/role';
import { OfrepExceptionFilter } from './ofrep-exception.filter';
import { OfrepResponse, OfrepService } from './ofrep.service';

/**
 * OpenFeature Remote Evaluation Protocol, so any OpenFeature SDK with the OFREP provider
 * evaluates against us unchanged. An sdk key evaluates in its environment; other keys name
 * one with `?environment=` or the `X-Environment` header.
 */
@Controller('ofrep/v1/evaluate/flags')
@Allow(Role.SDK, Role.VIEWER)
@UseFilters(OfrepExceptionFilter)
export class OfrepController {
  constructor(private readonly ofrep: OfrepService) {}

  @Post()
  @HttpCode(200)
  async evaluateAll(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Query('environment') environment: string | undefined,
    @Headers('x-environment') environmentHeader: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const answer = await this.ofrep.evaluateAll(
      actor,
      environment ?? environmentHeader,
      body,
      ifNoneMatch,
    );
    if (answer.etag) response.setHeader('ETag', answer.etag);
    send(response, answer);
  }

  @Post(':key')
  @HttpCode(200)
  async evaluateFlag(
    @CurrentActor() actor: Actor,
    @Param('key') key: string,
    @Body() body: unknown,
    @Query('environment') environment: string | undefined,
    @Headers('x-environment') environmentHeader: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    send(
      response,
      await this.ofrep.evaluateFlag(actor, environment ?? environmentHeader, key, body),
    );
  }
}

function send(response: Response, { status, body }: OfrepResponse): void {
  response.status(status);
  if (body === undefined) response.end();
  else
    response.type('application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
}
