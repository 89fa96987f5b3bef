import { Logger } from '@nestjs/common';
import { logLevel, type logCreator } from 'kafkajs';

// kafkajs reports conditions it retries by itself (connection refused, rebalances, leader
// moves) at ERROR, so they land here as warnings; the transport logs what is final (a consumer
// that will not restart, a publish that gave up) at error level itself. INFO is chatty
// (every join and start) and goes to debug.
const QUIET = [
  // Retries are bounded on purpose: the outbox relay retries with backoff, consumers are idempotent.
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
];

export const nestKafkaLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _name, ...extra } = log as { message: string; [key: string]: unknown };
    const line = { namespace, ...extra };
    if (QUIET.includes(message)) return logger.debug(line, message);
    switch (level) {
      case logLevel.ERROR:
      case logLevel.WARN:
        return logger.warn(line, message);
      case logLevel.INFO:
        return logger.debug(line, message);
      default:
        return logger.verbose(line, message);
    }
  };
};
