import { createProducer } from "@wikistream/kafka";
import type { Logger } from "@wikistream/log";
import { errorMessage } from "@wikistream/resilience";
import type { Kafka, Producer } from "kafkajs";

/** Kafka refusing every send with an error retrying cannot fix (`/status`, `/readyz`). */
export interface ProduceBlock {
  /** The Kafka error code, e.g. TOPIC_AUTHORIZATION_FAILED. */
  code: string;
  error: string;
  since: string;
}

/**
 * The producer ingest currently sends with, and whether Kafka is reachable through it. Renewed (a
 * new producer id) after Kafka refused a request as too large: kafkajs then rolls back the sequence
 * numbers of every partition of that request, including those the broker did write, and each later
 * send to them fails with OUT_OF_ORDER_SEQUENCE_NUMBER forever.
 */
export class ProducerSlot {
  readonly acks: -1 | 0 | 1;
  readonly #kafka: Kafka;
  readonly #logger: Logger;
  #producer: Producer;
  // Connected and not failing: a produce error clears it until the next acknowledgement.
  #healthy = false;
  // Set by an error retrying cannot fix; only an acknowledgement clears it (a reconnect does not).
  #blocked: ProduceBlock | undefined;

  constructor(kafka: Kafka, logger: Logger) {
    const created = createProducer(kafka);
    this.acks = created.acks;
    this.#kafka = kafka;
    this.#logger = logger;
    this.#producer = created.producer;
    this.#watch(this.#producer);
  }

  get producer(): Producer {
    return this.#producer;
  }

  /** Connected, and the last send (if any since) was acknowledged. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Why Kafka refuses every send, until the next acknowledgement; undefined while it does not. */
  get blocked(): ProduceBlock | undefined {
    return this.#blocked;
  }

  /** The previous block, if this acknowledgement ended one. */
  acknowledged(): ProduceBlock | undefined {
    this.#healthy = true;
    const ended = this.#blocked;
    this.#blocked = undefined;
    return ended;
  }

  /** The block (new, or the one going on: its `since` is kept while the code stays the same). */
  block(code: string, error: string): ProduceBlock {
    const since = this.#blocked?.code === code ? this.#blocked.since : new Date().toISOString();
    this.#blocked = { code, error, since };
    return this.#blocked;
  }

  failed(): void {
    this.#healthy = false;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  /** Connects a new producer, makes it the current one, then lets the old one go. */
  async renew(): Promise<Producer> {
    const fresh = createProducer(this.#kafka).producer;
    this.#watch(fresh);
    await fresh.connect();
    const old = this.#producer;
    this.#producer = fresh;
    await old.disconnect().catch((error: unknown) => {
      this.#logger.warn("the replaced kafka producer did not disconnect cleanly", {
        error: errorMessage(error),
      });
    });
    return fresh;
  }

  async disconnect(): Promise<void> {
    await this.#producer.disconnect().catch((error: unknown) => {
      this.#logger.warn("kafka producer did not disconnect cleanly", { error: errorMessage(error) });
    });
  }

  /** Only the current producer's connection counts: a replaced one disconnecting is expected. */
  #watch(watched: Producer): void {
    watched.on(watched.events.CONNECT, () => {
      if (watched === this.#producer) this.#healthy = true;
    });
    watched.on(watched.events.DISCONNECT, () => {
      if (watched === this.#producer) this.#healthy = false;
    });
  }
}
