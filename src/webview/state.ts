/**
 * What the panel's store holds: the host's state as the webview last heard it (the experiment,
 * results, errors, what the loss is), the webview's own view state (what the person looks at),
 * and the playback of the runs. The host owns run state; everything here either mirrors a host
 * message or is the person's view.
 */
import type {
  FollowedFile, HostState, LossInfo, PanelError, PanelExperiment, PlaybackSpeed, RunResult, SurfaceData,
} from '../protocol';
import { panelLayout, type PanelLayout } from './chartLayout';
import type { ViewState } from './viewState';

/** A field whose text is refused as typed: the text stays, with the reason, and nothing is posted. */
export interface Refusal {
  readonly message: string;
}

export interface PanelState {
  /** The experiment shown (from the page, the saved state or the host; edited in place). */
  readonly experiment: PanelExperiment | undefined;
  /** A stable id per run of `experiment` (the run list's keys): cards follow their run when others come or go. */
  readonly runIds: readonly string[];
  /** The host's `init` arrived. */
  readonly initialized: boolean;
  readonly info: LossInfo | undefined;
  readonly surface: SurfaceData | undefined;
  readonly results: readonly RunResult[];
  /** Per run, where its curvature first crossed its stability threshold up to the step shown (the run card's warning). */
  readonly crossings: ReadonlyMap<number, string>;
  /** On a quadratic loss (curvature on): each run's rate per step, closed form and measured, in words (rateMapView.ts). */
  readonly rates: ReadonlyMap<number, string>;
  readonly hostState: HostState;
  readonly stepsPerSecond: number;
  readonly errors: readonly PanelError[];
  readonly trusted: boolean;
  /** The editor document the panel follows; its editor is read-only meanwhile. */
  readonly following: FollowedFile | undefined;
  /** Refused field texts by field key (`init[0]`, `run:<id>.lr`). */
  readonly refused: ReadonlyMap<string, Refusal>;
  /** What the person looks at (kept across reloads). */
  readonly view: ViewState;
  readonly playback: Playback;
  /** Where the panel's parts go and the charts' sizes (chartLayout.ts), from the panel's size. */
  readonly layout: PanelLayout;
  /** The settings' forms may render (after the first chart: startup.ts). */
  readonly formsShown: boolean;
}

/** The playback of the runs (playback.ts moves it). */
export interface Playback {
  readonly speed: PlaybackSpeed;
  readonly playing: boolean;
  /** The step shown on every chart. */
  readonly step: number;
  /** The largest step of the points received. */
  readonly received: number;
  /** The experiment's step count (the end of the scrubber). */
  readonly total: number;
  /** Every point received is shown and the host is done: nothing more will come. */
  readonly ended: boolean;
}

export function initialState(view: ViewState, speed: PlaybackSpeed): PanelState {
  return {
    experiment: undefined, runIds: [], initialized: false, info: undefined, surface: undefined, results: [], crossings: new Map(), rates: new Map(),
    hostState: 'idle', stepsPerSecond: 0, errors: [], trusted: true, following: undefined, refused: new Map(),
    view, playback: { speed, playing: speed !== 'instant', step: 0, received: 0, total: 0, ended: false }, formsShown: false,
    layout: panelLayout(typeof innerWidth === 'number' ? innerWidth : 1200, typeof innerHeight === 'number' ? innerHeight : 800, 90),
  };
}
