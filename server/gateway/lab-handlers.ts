/** Socket handlers for the run: start, stop, reset the world, expire the hot key, release a crowd, pause an instance, rehearse. */
import { emptyCommandSchema, instancePauseCommandSchema, rehearseCommandSchema, runStartCommandSchema, type RunMeta } from "../../lib/protocol";
import type { LabController } from "../lab/controller";
import type { NodeManager } from "../nodes/types";
import { command, type CommandGate, type CommandLogger } from "./command";
import type { LabSocket } from "./node-handlers";
import { prepareScenario } from "./run-scenario";

export interface LabHandlerDeps {
  lab: LabController;
  nodes: NodeManager;
  log?: CommandLogger;
  gate?: CommandGate;
  /**
   * Runs world-changing commands one after another across every connection, so a start cannot
   * slip in while a reset is still bringing nodes back.
   */
  serial: <T>(task: () => T | Promise<T>) => Promise<T>;
}

export function registerLabHandlers(socket: LabSocket, deps: LabHandlerDeps): void {
  const { lab, nodes, log, gate, serial } = deps;
  const empty = {} as Record<string, never>;

  socket.on(
    "run:start",
    command(
      "run:start",
      runStartCommandSchema,
      ({ scenario: input, presetId, beat, timeScale, keepWorld }) =>
        serial(() => {
          const lockNodes = nodes.list().filter((node) => node.role === "lock").length;
          const scenario = prepareScenario(input, timeScale, lockNodes);
          const meta: RunMeta = {
            ...(presetId === undefined ? {} : { presetId }),
            ...(beat === undefined ? {} : { beat }),
          };
          // A story starts from its own world, unless the presenter keeps the one left by the last run.
          return lab.start(scenario, meta, { resetWorld: presetId !== undefined && keepWorld !== true });
        }),
      log,
      gate,
    ),
  );

  socket.on(
    "run:stop",
    command("run:stop", emptyCommandSchema, () => {
      lab.stop();
      return empty;
    }, log, gate),
  );

  socket.on(
    "lab:reset",
    command("lab:reset", emptyCommandSchema, () => serial(async () => {
      await lab.resetWorld();
      return empty;
    }), log, gate),
  );

  socket.on(
    "key:expire",
    command("key:expire", emptyCommandSchema, async () => {
      await lab.expireNow();
      return empty;
    }, log, gate),
  );

  socket.on(
    "crowd:release",
    command("crowd:release", emptyCommandSchema, () => ({ clients: lab.releaseCrowd() }), log, gate),
  );

  socket.on(
    "lab:rehearse",
    command(
      "lab:rehearse",
      rehearseCommandSchema,
      ({ presetIds }) =>
        serial(() => {
          const lockNodes = nodes.list().filter((node) => node.role === "lock").length;
          // Each beat's scenario goes through the same checks as a page's start, against this lab's nodes.
          return lab.startRehearsal(presetIds, (input) => prepareScenario(input, undefined, lockNodes));
        }),
      log,
      gate,
    ),
  );

  socket.on(
    "lab:rehearse-stop",
    command("lab:rehearse-stop", emptyCommandSchema, () => {
      lab.stopRehearsal();
      return empty;
    }, log, gate),
  );

  socket.on(
    "instance:pause",
    command("instance:pause", instancePauseCommandSchema, ({ instance, ms }) => {
      lab.pauseInstance(instance, ms);
      return { instance, ms };
    }, log, gate),
  );
}
