"use client";

/**
 * The presenter's page: the one stateful component. It owns the socket (through useLabSocket), the
 * scenario being edited, the story position, slow motion, presenter mode, the theme and a replay,
 * and hands plain props to the components below — which never see the socket.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { logEntry } from "@/lib/log";
import type { Ack, NodeActionCommand, WireNode, WireNodeAction, WireNodeId, WireRunState } from "@/lib/protocol";
import { findPreset, PRESETS, presetScenario } from "@/lib/presets";
import { parseScenario, type Scenario, type ScenarioInput } from "@/lib/scenario";
import { LanPanel } from "./access/lan-panel";
import { alarmCount } from "./alarm/alarm";
import { AlarmBanner } from "./alarm/alarm-banner";
import { readBoot, type BootParams } from "./access/boot";
import { RoomOverlay } from "./access/room-overlay";
import { ScenarioBuilder } from "./builder/scenario-builder";
import { ComparePanel } from "./compare/compare-panel";
import { XfetchPanel } from "./compare/xfetch-panel";
import { LiveCharts } from "./charts/live-charts";
import { stageCharts } from "./charts/stage-charts";
import { nextSlowMotion, RunControls } from "./controls/run-controls";
import { startWarningText, unaskedDownNodes } from "./controls/world-check";
import { LockGrid } from "./lock-grid/lock-grid";
import { LockLanes } from "./lock-grid/lock-lanes";
import { EventLogPanel } from "./log/event-log-panel";
import { HelpOverlay } from "./presenter/help-overlay";
import { useShortcuts } from "./presenter/shortcuts";
import { buildRecording, downloadJson, recordingFileName } from "./replay/recording";
import { ReplayBar } from "./replay/replay-bar";
import { useReplay, type LabView } from "./replay/use-replay";
import { annotationsFrom, entriesOfRun } from "./shell/annotations";
import { useConfirm } from "./shell/confirm-dialog";
import { hideOnOpen, hidesRun, storyMove, withoutRun } from "./shell/last-run";
import { ConnectionPill } from "./shell/connection-pill";
import { LiveCounters } from "./shell/live-counters";
import { STORAGE_KEYS } from "./shell/storage";
import { useTheme } from "./shell/theme";
import { usePersistentFlag } from "./shell/use-persistent-flag";
import { PresetGallery } from "./story/preset-gallery";
import { beatCheckOf } from "./story/expect-checks";
import { RehearsalPanel } from "./story/rehearsal-panel";
import { StoryPanel } from "./story/story-panel";
import { RunSummary } from "./summary/run-summary";
import { useLabSocket } from "./use-lab-socket";
import { useNow } from "./use-now";

/** Reads the address once (token, permalink, preset) before the socket opens, then draws the lab. */
export function Dashboard() {
  const [boot, setBoot] = useState<BootParams | null>(null);
  // Client only: the server cannot see the query string's token, and must not render with it.
  useEffect(() => setBoot(readBoot()), []);
  if (!boot) {
    return (
      <main className="flex min-h-screen items-center justify-center">
        <p className="text-2xl text-slate-500">Stampede Lab…</p>
      </main>
    );
  }
  return <LabPage boot={boot} />;
}

type Selection = { presetId: string; beat: number };

/** The run a hidden last run stands in for: nothing to compare this story with yet. */
const IDLE: WireRunState = { status: "idle" };

function scenarioOfSelection(selection: Selection | null): ScenarioInput {
  const preset = selection ? findPreset(selection.presetId) : undefined;
  return preset && selection ? presetScenario(preset, selection.beat) : {};
}

/** Parsed form of a scenario input, as JSON, to compare two inputs by what they mean. */
function canonical(input: ScenarioInput): string | null {
  const parsed = parseScenario(input);
  return parsed.ok ? JSON.stringify(parsed.scenario) : null;
}

function LabPage({ boot }: { boot: BootParams }) {
  const lab = useLabSocket({ token: boot.token });
  const replay = useReplay();
  const now = useNow(200);
  const { theme, toggleTheme } = useTheme();
  const [presenter, setPresenter] = usePersistentFlag(STORAGE_KEYS.presenter, false);
  const [confirmDestructive, setConfirmDestructive] = usePersistentFlag(STORAGE_KEYS.confirmDestructive, true);
  const confirm = useConfirm(confirmDestructive, setConfirmDestructive);
  const [helpOpen, setHelpOpen] = useState(false);
  const [roomOpen, setRoomOpen] = useState(false);

  // ---- the scenario being edited, and where in which story it came from
  const [selection, setSelection] = useState<Selection | null>(boot.preset);
  const [scenario, setScenario] = useState<ScenarioInput>(() =>
    boot.permalink?.ok ? boot.permalink.scenario : scenarioOfSelection(boot.preset),
  );
  const [timeScale, setTimeScale] = useState(1);
  /** A story's start resets the world unless this is ticked; not remembered across reloads, on purpose. */
  const [keepWorld, setKeepWorld] = useState(false);
  /** Start was pressed on a builder run with nodes down: the warning stands until a choice is made. */
  const [startWarned, setStartWarned] = useState(false);
  /** The finished run put out of view when the story moved on (still reachable: "Show last run"). */
  const [hiddenRunId, setHiddenRunId] = useState<number | null>(null);
  const hideOnOpenPending = useRef(boot.preset !== null);
  /** Which setup drawer is open under the setup bar: the story gallery, the builder, or neither. */
  const [setup, setSetup] = useState<"stories" | "builder" | null>(() =>
    boot.permalink?.ok ? "builder" : boot.preset ? null : "stories",
  );
  const selectedPreset = selection ? findPreset(selection.presetId) : undefined;
  const modified = useMemo(
    () => selection !== null && canonical(scenario) !== canonical(scenarioOfSelection(selection)),
    [scenario, selection],
  );

  // ---- what the page says about itself
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notices, setNotices] = useState<Notice[]>(() => bootNotices(boot));
  const addNotice = useCallback((notice: Notice) => setNotices((list) => [...list.filter((n) => n.id !== notice.id), notice]), []);
  const dismiss = useCallback((id: string) => setNotices((list) => list.filter((n) => n.id !== id)), []);

  const live = lab.status.kind === "live";
  const player = replay.player;
  const liveView: LabView = { run: lab.run, frames: lab.frames, log: lab.log, report: lab.report, nodes: lab.nodes, alarms: lab.alarms };
  const lastRunHidden = !player && hidesRun(lab.run, hiddenRunId);
  const view: LabView = player?.view ?? (lastRunHidden ? withoutRun(liveView) : liveView);

  // Opened at ?preset=…: the run the server still shows belongs to the story before.
  useEffect(() => {
    if (!hideOnOpenPending.current) return;
    const decision = hideOnOpen(lab.run);
    if (decision === "wait") return;
    hideOnOpenPending.current = false;
    if (decision.hide !== null) setHiddenRunId(decision.hide);
  }, [lab.run]);
  const canControl = !player && live && (lab.access?.canControl ?? true);
  const readOnlyReason = player
    ? "Replaying a recording: nothing on this page is live, and the lab cannot be changed from it."
    : !live
      ? "Not connected to the lab server."
      : lab.access && !lab.access.canControl
        ? (lab.access.reason ?? "This page is read-only.")
        : null;

  // Node snapshots on the run's own clock (ms since t = 0), for recordings.
  const [timeline, setTimeline] = useState<{ runId: number | null; entries: { atMs: number; nodes: WireNode[] }[] }>({
    runId: null,
    entries: [],
  });
  const cancelConfirm = confirm.cancel;

  // ---- the server restarted: forget what belonged to the old process (history comes again on connect)
  const serverStartedRef = useRef<number | null>(null);
  useEffect(() => {
    if (lab.status.kind !== "live") return;
    const previous = serverStartedRef.current;
    serverStartedRef.current = lab.status.serverStartedAt;
    if (previous !== null && previous !== lab.status.serverStartedAt) {
      setBusy(false);
      setActionError(null);
      cancelConfirm();
      setTimeline({ runId: null, entries: [] });
      // Run ids start again at 1 in a new server process.
      setHiddenRunId(null);
      addNotice({
        id: "restarted",
        tone: "info",
        text: `The lab server restarted at ${new Date(lab.status.serverStartedAt).toLocaleTimeString()}: this page now shows the new one.`,
      });
    }
  }, [lab.status, addNotice, cancelConfirm]);

  // ---- record node snapshots as they change during a live run
  // A run out of view no longer decides what the grid and the charts are drawn for: the story waiting to start does.
  const runScenario: Scenario | null = view.run.status === "idle" || lastRunHidden ? null : view.run.scenario;
  const liveRunId = lab.run.status === "idle" ? null : lab.run.runId;
  const lastFrameEndRef = useRef(0);
  const liveLast = lab.frames.at(-1);
  lastFrameEndRef.current = liveLast && lab.run.status !== "idle" ? liveLast.t + lab.run.scenario.tickMs : 0;
  useEffect(() => {
    if (lab.run.status !== "running" || !lab.nodes) return;
    const nodes = lab.nodes;
    const runId = lab.run.runId;
    setTimeline((previous) =>
      previous.runId === runId
        ? { runId, entries: [...previous.entries, { atMs: lastFrameEndRef.current, nodes }] }
        : { runId, entries: [{ atMs: lastFrameEndRef.current, nodes }] },
    );
  }, [lab.nodes, lab.run]);

  // ---- commands
  const act = useCallback(async <T,>(command: () => Promise<Ack<T>>): Promise<Ack<T>> => {
    setBusy(true);
    setActionError(null);
    try {
      const result = await command();
      if ("error" in result) setActionError(result.error.message);
      return result;
    } finally {
      setBusy(false);
    }
  }, []);

  const start = useCallback(async ({ force = false }: { force?: boolean } = {}) => {
    const parsed = parseScenario(scenario);
    if (!parsed.ok) {
      const [first] = parsed.issues;
      setActionError(
        `The scenario cannot run: ${first ? `${first.field}: ${first.message}` : "it is invalid"}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ""}.`,
      );
      setSetup("builder");
      return;
    }
    // A preset's name travels with the run only while the scenario is still the preset's own.
    const story = selection !== null && !modified;
    const meta = story ? { presetId: selection.presetId, beat: selection.beat } : {};
    // A story resets the world itself (unless kept); a builder run keeps it, so a node left down is named first.
    if (!story && !force && lab.nodes && unaskedDownNodes(parsed.scenario, lab.nodes).length > 0) {
      setStartWarned(true);
      return;
    }
    setStartWarned(false);
    await act(() => lab.startRun({ scenario, ...meta, timeScale, ...(story && keepWorld ? { keepWorld: true } : {}) }));
  }, [scenario, selection, modified, timeScale, keepWorld, act, lab]);

  const stop = useCallback(() => act(() => lab.stopRun()), [act, lab]);
  const expire = useCallback(() => act(() => lab.expireKey()), [act, lab]);
  const crowd = useCallback(() => act(() => lab.releaseCrowd()), [act, lab]);
  const pause = useCallback((instance: number, ms: number) => act(() => lab.pauseInstance({ instance, ms })), [act, lab]);
  const rehearse = useCallback(() => act(() => lab.rehearse()), [act, lab]);
  const stopRehearsal = useCallback(() => act(() => lab.stopRehearsal()), [act, lab]);
  const reset = useCallback(async () => {
    const ok = await confirm.ask({
      title: "Reset the world?",
      body: "Stops the run, and starts every crashed node again — empty — and thaws every frozen one.",
      confirmLabel: "Reset the world",
    });
    if (ok) await act(() => lab.resetLab());
  }, [confirm, act, lab]);

  const nodeAction = useCallback(
    async (command: NodeActionCommand): Promise<Ack<WireNode>> => {
      const { nodeId, action } = command;
      if (action === "crash") {
        const ok = await confirm.ask({
          title: `Crash ${nodeId}?`,
          body: (
            <>
              Kills the <code className="font-mono">redis-server</code> process of {nodeId}: everything it holds is
              lost, and it stays down until you start it again.
            </>
          ),
          confirmLabel: `Crash ${nodeId}`,
        });
        if (!ok) return { error: { code: "CANCELLED", message: `Cancelled: ${nodeId} was not crashed.` } };
      }
      if (action === "restart") {
        const node = lab.nodes?.find((candidate) => candidate.id === nodeId);
        const delay = command.delayedRestartMs ?? 0;
        const ok = await confirm.ask({
          title: `Restart ${nodeId}?`,
          body: (
            <>
              Kills the <code className="font-mono">redis-server</code> process of {nodeId} and starts it again
              {delay > 0 ? ` after at least ${delay.toLocaleString("en")} ms` : " at once"}.{" "}
              {node?.persistence === "fsync-always"
                ? "It runs with fsync-always, so it comes back with its keys."
                : "It comes back empty: without fsync-always persistence, every lock key it held is gone."}
            </>
          ),
          confirmLabel: `Restart ${nodeId}`,
        });
        if (!ok) return { error: { code: "CANCELLED", message: `Cancelled: ${nodeId} was not restarted.` } };
      }
      return lab.sendNodeAction(command);
    },
    [confirm, lab],
  );

  /** Keys 0–7: crash a node that is up, start a crashed one, thaw a frozen one. */
  const toggleNode = useCallback(
    async (nodeId: WireNodeId) => {
      const node = lab.nodes?.find((candidate) => candidate.id === nodeId);
      if (!node) {
        setActionError(`There is no ${nodeId} in this lab.`);
        return;
      }
      const action: WireNodeAction | null =
        node.state === "up" ? "crash" : node.state === "crashed" ? "start" : node.state === "frozen" ? "thaw" : null;
      if (!action) return;
      const result = await nodeAction({ nodeId, action });
      if ("error" in result && result.error.code !== "CANCELLED") setActionError(result.error.message);
    },
    [lab.nodes, nodeAction],
  );

  // ---- story
  const pick = useCallback((presetId: string, beat: number) => {
    const preset = findPreset(presetId);
    if (!preset) return;
    const next = { presetId: preset.id, beat: Math.min(Math.max(1, beat), preset.beats.length) };
    setSelection(next);
    setScenario(presetScenario(preset, next.beat));
    setActionError(null);
    // A story resets the world itself: a warning given for the scenario before no longer applies.
    setStartWarned(false);
  }, []);

  /**
   * Moves the story on. Narration and charts must belong to the same beat: a run still going is
   * stopped first, and the last run's charts and summary go out of view ("Show last run" keeps them).
   */
  const goTo = useCallback(
    async (presetId: string, beat: number) => {
      const move = player ? ({ kind: "move" } as const) : storyMove(lab.run, canControl);
      if (move.kind === "stay") return;
      if (move.kind === "stop-first") {
        const result = await act(() => lab.stopRun());
        // Refused for another reason than "it just ended": stay on this beat, the refusal is shown.
        if ("error" in result && result.error.code !== "NO_RUN") return;
        addNotice({ id: "beat-stopped", tone: "info", text: `Run ${move.runId} was stopped to move the story on; “Show last run” brings its charts back.` });
      }
      if (move.kind === "stop-first" || move.kind === "hide") setHiddenRunId(move.runId);
      pick(presetId, beat);
    },
    [lab, player, canControl, act, addNotice, pick],
  );

  const nextBeat = useCallback(() => {
    if (!selection) {
      void goTo(PRESETS[0]!.id, 1);
      return;
    }
    const preset = findPreset(selection.presetId);
    if (preset && selection.beat < preset.beats.length) void goTo(preset.id, selection.beat + 1);
    else {
      // Past a story's last beat, the next story begins.
      const index = PRESETS.findIndex((p) => p.id === selection.presetId);
      void goTo(PRESETS[(index + 1) % PRESETS.length]!.id, 1);
    }
  }, [selection, goTo]);

  // ---- record & replay
  const recording = useMemo(
    () =>
      player
        ? null
        : buildRecording({
            run: lab.run,
            frames: lab.frames,
            log: lab.log,
            report: lab.report,
            alarms: lab.alarms,
            previous: lab.previousRun,
            nodeTimeline:
              timeline.runId === liveRunId && timeline.entries.length > 0
                ? timeline.entries
                : lab.nodes
                  ? [{ atMs: 0, nodes: lab.nodes }]
                  : [],
          }),
    [player, lab.run, lab.frames, lab.log, lab.report, lab.alarms, lab.previousRun, lab.nodes, timeline, liveRunId],
  );
  const saveRecording = useCallback(() => {
    const fresh = recording && { ...recording, savedAt: new Date().toISOString() };
    if (fresh) downloadJson(recordingFileName(fresh), fresh);
  }, [recording]);

  const fileInput = useRef<HTMLInputElement>(null);
  const openRecording = useCallback(
    async (file: File | undefined) => {
      if (!file) return;
      const error = await replay.load(file);
      if (error) addNotice({ id: "replay", tone: "error", text: error });
      else dismiss("replay");
    },
    [replay, addNotice, dismiss],
  );

  // ---- presenter mode: a class on <html> scales the type and raises the contrast
  useEffect(() => {
    document.documentElement.classList.toggle("presenter", presenter);
  }, [presenter]);

  // ---- keyboard
  const running = view.run.status === "running";
  useShortcuts(
    {
      space: () => {
        if (player) return player.playing ? player.pause() : player.play();
        if (!canControl || busy) return;
        void (running ? stop() : start());
      },
      e: () => canControl && void expire(),
      c: () => canControl && void crowd(),
      ...Object.fromEntries(
        [1, 2, 3, 4, 5, 6, 7].map((n) => [String(n), () => canControl && void toggleNode(`lock-${n}` as WireNodeId)]),
      ),
      "0": () => canControl && void toggleNode("cache"),
      n: () => !player && nextBeat(),
      s: () => setTimeScale((current) => nextSlowMotion(current)),
      p: () => setPresenter(!presenter),
      t: toggleTheme,
      "?": () => setHelpOpen(true),
    },
    !confirm.open && !helpOpen && !roomOpen,
  );

  // ---- what the charts and the grid draw
  const editedScenario = useMemo(() => {
    const parsed = parseScenario(scenario);
    return parsed.ok ? parsed.scenario : null;
  }, [scenario]);
  const shown = runScenario ?? editedScenario;
  const downForRun = useMemo(() => (editedScenario && lab.nodes ? unaskedDownNodes(editedScenario, lab.nodes) : []), [editedScenario, lab.nodes]);
  const tickMs = shown?.tickMs ?? 100;
  const lockNodes = shown?.lockNodes ?? 5;
  const lockNodeIds = useMemo(() => Array.from({ length: lockNodes }, (_, i) => `lock-${i + 1}`), [lockNodes]);
  const annotations = useMemo(() => {
    const entries = player ? view.log : entriesOfRun(view.log, view.run.status === "idle" ? null : view.run.runId);
    const last = view.frames.at(-1);
    const end = last ? last.t + tickMs : 0;
    const scheduled = runScenario ? [logEntry.fault.expired({ atMs: runScenario.crowd.expireAtMs, key: "the hot key", byHand: false })] : [];
    return annotationsFrom([...scheduled, ...entries]).filter((a) => a.atMs <= end);
  }, [player, view.log, view.run, view.frames, tickMs, runScenario]);

  // A replay raises its recorded alarms at their moments, as the live page did. Only the latest
  // ALARMS_KEPT of a run are kept; the newest one's seq (and, at the end, the report) is the total.
  const alarms = view.alarms;
  const alarmTotal = alarmCount(alarms, view.report);

  // Presenter mode's stage: the beat on screen names the charts in view (the running beat while a
  // run plays, else the selected one, else the last run's); the others go below the fold.
  const stage = presenter;
  const runMeta = view.run.status === "idle" ? undefined : view.run.meta;
  const stageMeta = (view.run.status === "running" && runMeta?.presetId ? runMeta : undefined) ?? selection ?? runMeta;
  const { lead: leadCharts, rest: restCharts } = useMemo(
    () => stageCharts(stageMeta?.presetId, stageMeta?.beat),
    [stageMeta?.presetId, stageMeta?.beat],
  );
  const cacheInUse = shown?.lockedWork !== "increment";
  const counters = <LiveCounters frames={view.frames} dbCapacity={shown?.db.capacity ?? 20} columns={stage ? 3 : undefined} />;
  const storyPanel = selection && !player && (
    <div className="flex flex-col gap-2">
      <StoryPanel
        presetId={selection.presetId}
        beat={selection.beat}
        onBeat={(beat) => void goTo(selection.presetId, beat)}
        checked={beatCheckOf(view.run, view.report, selection)}
        stage={stage}
      />
      {modified && (
        <p className="text-base text-amber-200" data-testid="scenario-modified">
          Changed in the builder: the run will not carry the story&apos;s name.
        </p>
      )}
    </div>
  );

  const story = storyLine(view.run.status === "idle" || lastRunHidden ? undefined : view.run.meta);
  const dim = !player && !live;

  return (
    <div className="mx-auto flex max-w-[2000px] flex-col gap-5 px-4 py-4 md:px-6 xl:px-8" data-presenter={presenter || undefined}>
      <header className="flex flex-wrap items-center justify-between gap-x-6 gap-y-3">
        <div className="flex min-w-0 flex-1 items-baseline gap-x-5">
          <h1 className="shrink-0 text-4xl font-black tracking-tight md:text-5xl">
            Stampede <span className="text-amber-400">Lab</span>
          </h1>
          <p data-testid="now-showing" className="hidden min-w-0 truncate text-xl text-slate-400 sm:block">
            {story ?? "A cache stampede on real Redis nodes — and whether Redlock holds."}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <ConnectionPill status={lab.status} compact={presenter} />
          {timeScale > 1 && (
            <span data-testid="slow-motion-badge" className="rounded-full bg-sky-500/20 px-3 py-1.5 text-lg font-bold text-sky-200">
              slow motion {timeScale}×
            </span>
          )}
          <HeaderButton
            testId="save-recording"
            onClick={saveRecording}
            disabled={!recording}
            title={recording ? "Download this run (frames, log, nodes, alarms, report) to replay it without Redis" : "Run something first"}
          >
            Save recording
          </HeaderButton>
          <HeaderButton testId="open-recording" onClick={() => fileInput.current?.click()} title="Play a saved run in this page, without the server">
            Replay a recording
          </HeaderButton>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            data-testid="replay-file"
            className="hidden"
            onChange={(event) => {
              void openRecording(event.target.files?.[0]);
              event.target.value = "";
            }}
          />
          {!player && lab.access?.lanUrls && lab.access.lanUrls.length > 0 && (
            <HeaderButton testId="room-toggle" onClick={() => setRoomOpen(true)} title="Show the audience link and its QR code, big">
              Audience link
            </HeaderButton>
          )}
          <HeaderButton testId="presenter-toggle" onClick={() => setPresenter(!presenter)} pressed={presenter} title="Presenter mode (P)">
            Presenter
          </HeaderButton>
          <HeaderButton testId="theme-toggle" onClick={toggleTheme} title="Dark or light theme (T)">
            {theme === "dark" ? "☀ Light" : "☾ Dark"}
          </HeaderButton>
          <HeaderButton testId="help-toggle" onClick={() => setHelpOpen(true)} title="Keyboard shortcuts (?)">
            ?
          </HeaderButton>
        </div>
      </header>

      {player && <ReplayBar player={player} onClose={replay.close} />}

      {notices.map((notice) => (
        <NoticeBar key={notice.id} notice={notice} onDismiss={() => dismiss(notice.id)} />
      ))}

      {/* Scrolled out of sight, it leaves a strip pinned to the top of the window. On the stage it
          sits in the story's column instead, so the grid and the beat's charts keep their place. */}
      {alarms.length > 0 && !stage && <AlarmBanner alarms={alarms} total={alarmTotal} fencing={runScenario?.fencing} />}

      {!player && (
        <div className="flex flex-col gap-3">
          <div className="panel flex flex-wrap items-center gap-x-6 gap-y-2 py-3" data-testid="setup-bar">
            <button
              type="button"
              data-testid="stories-toggle"
              aria-expanded={setup === "stories"}
              onClick={() => setSetup(setup === "stories" ? null : "stories")}
              className="flex min-w-0 items-baseline gap-3 rounded-lg text-left text-xl focus-visible:outline-3 focus-visible:outline-amber-300"
            >
              <span className="font-bold">Story</span>
              <span className="truncate text-slate-300">{selectedPreset ? selectedPreset.title : "none yet: pick one"}</span>
              <span className="shrink-0 text-base text-amber-300">{setup === "stories" ? "Close ▴" : "Change ▾"}</span>
            </button>
            {!presenter && (
              <>
                <span aria-hidden className="hidden h-7 w-px bg-slate-700 md:block" />
                <button
                  type="button"
                  data-testid="builder-toggle"
                  aria-expanded={setup === "builder"}
                  onClick={() => setSetup(setup === "builder" ? null : "builder")}
                  className="flex min-w-0 flex-1 items-baseline gap-3 rounded-lg text-left text-xl focus-visible:outline-3 focus-visible:outline-amber-300"
                >
                  <span className="font-bold">Scenario</span>
                  <span className="truncate text-slate-400">
                    {editedScenario ? scenarioGist(editedScenario) : "has problems: open the builder to fix them"}
                    {modified ? " (changed)" : ""}
                  </span>
                  <span className="shrink-0 text-base text-amber-300">{setup === "builder" ? "Close ▴" : "Edit every field ▾"}</span>
                </button>
              </>
            )}
          </div>
          {setup === "stories" && (
            <div className="panel" data-testid="stories-panel">
              <PresetGallery
                selected={selection ?? undefined}
                onPick={(presetId, beat) => {
                  void goTo(presetId, beat);
                  setSetup(null);
                }}
              />
            </div>
          )}
          {setup === "builder" && !presenter && (
            <div className="panel" data-testid="builder-panel">
              <ScenarioBuilder value={scenario} onChange={setScenario} />
            </div>
          )}
        </div>
      )}

      {view.nodes === null ? (
        <p className="py-24 text-center text-2xl text-slate-500">Waiting for the lab server…</p>
      ) : (
        <div className={`flex flex-col gap-5 transition-opacity ${dim ? "opacity-60" : ""}`}>
          {/* Side by side only where the lock grid keeps its full width beside the controls. */}
          <div
            data-testid="stage"
            data-stage={stage || undefined}
            className={`grid gap-5 min-[112.5rem]:items-start ${stage ? "min-[112.5rem]:grid-cols-[minmax(0,28rem)_minmax(0,1fr)]" : "min-[112.5rem]:grid-cols-[minmax(0,32rem)_minmax(0,1fr)]"}`}
          >
            <aside className="grid min-w-0 gap-5 lg:grid-cols-2 lg:items-start min-[112.5rem]:grid-cols-1" aria-label="Run and story">
              {/* On the stage the beat comes first: what to say and what to watch stay in view. */}
              {stage && alarms.length > 0 && <AlarmBanner alarms={alarms} total={alarmTotal} fencing={runScenario?.fencing} compact />}
              {stage && storyPanel}
              {stage && counters}
              <div className="panel">
                <RunControls
                  run={view.run}
                  canControl={canControl}
                  controlReason={readOnlyReason ?? undefined}
                  timeScale={timeScale}
                  onTimeScale={setTimeScale}
                  onStart={() => void start()}
                  onStop={() => void stop()}
                  onReset={() => void reset()}
                  onExpire={() => void expire()}
                  onCrowd={() => void crowd()}
                  onPause={(instance, ms) => void pause(instance, ms)}
                  busy={busy}
                  error={actionError}
                  startBlockedReason={editedScenario ? null : "the scenario has problems: see the builder"}
                  keepWorld={{ checked: keepWorld, applies: selection !== null && !modified, onChange: setKeepWorld }}
                  startWarning={
                    startWarned && downForRun.length > 0 && lab.nodes
                      ? {
                          text: startWarningText(downForRun, lab.nodes),
                          onStartAnyway: () => void start({ force: true }),
                          onResetFirst: () =>
                            void act(() => lab.resetLab()).then((result) => {
                              if (!("error" in result)) void start({ force: true });
                            }),
                          onCancel: () => setStartWarned(false),
                        }
                      : null
                  }
                />
              </div>
              {!stage && storyPanel}
              {!player && (!presenter || lab.rehearsal?.status === "running") && (
                <RehearsalPanel
                  state={lab.rehearsal}
                  canStart={canControl && !busy && view.run.status !== "running"}
                  startBlockedReason={readOnlyReason ?? "stop the run first"}
                  canStop={canControl}
                  onRehearse={() => void rehearse()}
                  onStop={() => void stopRehearsal()}
                />
              )}
              {!player && lab.access?.lanUrls && lab.access.lanUrls.length > 0 && <LanPanel lanUrls={lab.access.lanUrls} compact />}
            </aside>

            <section className={`panel flex min-w-0 flex-col ${stage ? "gap-4 p-4" : "gap-5"}`} aria-label="Locks">
              {!stage && counters}
              <LockGrid
                compact={stage}
                nodes={view.nodes}
                frames={view.frames}
                lockNodes={lockNodes}
                now={now}
                canControl={canControl}
                onAction={nodeAction}
                lock={shown?.lock}
                lockTtlMs={shown?.lockTtlMs}
                instances={shown?.instances}
                alarms={alarms}
              />
              {stage && (
                <LiveCharts
                  frames={view.frames}
                  tickMs={tickMs}
                  dbCapacity={shown?.db.capacity ?? 20}
                  annotations={annotations}
                  charts={leadCharts}
                  cacheInUse={cacheInUse}
                  stage
                  testId="stage-charts"
                />
              )}
              <LockLanes frames={view.frames} lockNodeIds={lockNodeIds} tickMs={tickMs} alarms={alarms} />
            </section>
          </div>
          {lastRunHidden && lab.run.status !== "idle" && (
            <div className="flex flex-wrap items-center gap-4" data-testid="last-run-hidden">
              <button type="button" data-testid="show-last-run" className="btn btn-ghost" onClick={() => setHiddenRunId(null)}>
                Show last run
              </button>
              <span className="text-lg text-slate-400">
                run {lab.run.runId}
                {lab.run.meta.presetId ? ` · ${lab.run.meta.presetId}${lab.run.meta.beat ? ` beat ${lab.run.meta.beat}` : ""}` : " · custom scenario"}: its charts and
                summary are put away while this story waits to start
              </span>
            </div>
          )}
          <LiveCharts
            frames={view.frames}
            tickMs={tickMs}
            dbCapacity={shown?.db.capacity ?? 20}
            annotations={annotations}
            charts={stage ? restCharts : undefined}
            cacheInUse={cacheInUse}
          />
          {/* Right above the summary, where the eye goes when a beat ends. A replay opens its own comparison, closed. */}
          <ComparePanel key={player ? "replay" : "live"} previous={player ? (player.view.previous ?? null) : lab.previousRun} run={lastRunHidden ? IDLE : view.run} frames={view.frames} report={view.report} />
          {runScenario && runScenario.xfetchBeta > 0 && <XfetchPanel scenario={runScenario} report={view.report} />}
          {view.report && <RunSummary report={view.report} />}
          <EventLogPanel entries={view.log} />
        </div>
      )}

      {helpOpen && (
        <HelpOverlay
          onClose={() => setHelpOpen(false)}
          confirmDestructive={confirmDestructive}
          onConfirmDestructive={setConfirmDestructive}
        />
      )}
      {roomOpen && lab.access?.lanUrls && <RoomOverlay lanUrls={lab.access.lanUrls} onClose={() => setRoomOpen(false)} />}
      {confirm.dialog}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------


interface Notice {
  id: string;
  tone: "info" | "warn" | "error";
  text: string;
}

function bootNotices(boot: BootParams): Notice[] {
  const out: Notice[] = [];
  if (boot.permalink && !boot.permalink.ok) out.push({ id: "permalink", tone: "error", text: `This link's scenario could not be used: ${boot.permalink.message}.` });
  // A wrong beat still loads the preset (at beat 1): a warning, not a failure.
  if (boot.presetError) out.push({ id: "preset", tone: boot.preset ? "warn" : "error", text: boot.presetError });
  return out;
}

const NOTICE_LOOK: Record<Notice["tone"], string> = {
  info: "border-sky-400/50 bg-sky-950/50 text-sky-100",
  warn: "border-amber-400/60 bg-amber-950/50 text-amber-100",
  error: "border-rose-500/60 bg-rose-950/50 text-rose-100",
};

function NoticeBar({ notice, onDismiss }: { notice: Notice; onDismiss?: () => void }) {
  return (
    <div
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid={`notice-${notice.id}`}
      className={`flex items-center justify-between gap-4 rounded-xl border px-4 py-2.5 text-lg ${NOTICE_LOOK[notice.tone]}`}
    >
      <p>{notice.text}</p>
      {onDismiss && (
        <button type="button" onClick={onDismiss} className="btn btn-ghost px-3 py-1 text-sm" aria-label="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}

function HeaderButton({
  children,
  onClick,
  disabled,
  pressed,
  title,
  testId,
}: {
  children: ReactNode;
  onClick(): void;
  disabled?: boolean;
  pressed?: boolean;
  title?: string;
  testId: string;
}) {
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={onClick}
      disabled={disabled}
      aria-pressed={pressed}
      title={title}
      className={`btn btn-ghost max-sm:px-2.5 max-sm:py-1.5 max-sm:text-sm ${pressed ? "btn-on" : ""}`}
    >
      {children}
    </button>
  );
}

/** "Redlock holds with two nodes down — beat 1 of 1: Two down, three to go". */
function storyLine(meta: { presetId?: string; beat?: number } | undefined): string | null {
  if (!meta?.presetId) return null;
  const preset = findPreset(meta.presetId);
  if (!preset) return meta.presetId;
  const beat = meta.beat ?? 1;
  const step = preset.beats[beat - 1];
  return `${preset.title}${step ? ` — beat ${beat} of ${preset.beats.length}: ${step.title}` : ""}`;
}

/** "redlock · 4 instances · 3,000 clients · 6 s": what the builder holds, in one line. */
function scenarioGist(scenario: Scenario): string {
  const crowd =
    scenario.crowd.profile === "sneaker-drop"
      ? `${scenario.crowd.clients.toLocaleString("en")} clients`
      : scenario.crowd.profile === "steady"
        ? `${scenario.crowd.rps} req/s`
        : `${scenario.crowd.fromRps}→${scenario.crowd.toRps} req/s`;
  const lock = scenario.lock === "none" ? "no lock" : scenario.lock === "redlock" ? `redlock on ${scenario.lockNodes}` : `${scenario.lock} lock`;
  return [lock, `${scenario.waiters} waiters`, `${scenario.instances} instances`, crowd, `${scenario.durationMs / 1000} s`, scenario.faults.length > 0 ? `${scenario.faults.length} fault(s)` : null]
    .filter(Boolean)
    .join(" · ");
}
