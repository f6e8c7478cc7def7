import { createCapacityModelDatabase } from "./capacity-model";
import { registerOriginDatabaseContract } from "./contract";

registerOriginDatabaseContract("capacity model", (clock) =>
  createCapacityModelDatabase({
    readLatencyMs: 20,
    writeLatencyMs: 30,
    capacity: 2,
    queueLimit: 16,
    timeoutMs: 10_000,
    clock,
  }),
);
