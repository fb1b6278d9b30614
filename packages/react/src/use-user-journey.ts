import type { JourneyStep, Properties } from '@sightline/sdk';
import { useMemo, useSyncExternalStore } from 'react';
import { useSightline } from './context.js';

const NO_STEPS: JourneyStep[] = [];

export interface UserJourney {
  /** '' while no journey of this name is active. */
  currentStep: string;
  journeySteps: JourneyStep[];
  /** When the active journey started (ms), if any. */
  startTime: number | undefined;
  startJourney(initialStep: string, metadata?: Properties): void;
  moveToStep(step: string, metadata?: Properties): void;
  completeJourney(metadata?: Properties): void;
  abandonJourney(reason?: string, metadata?: Properties): void;
}

/**
 * The journey hook (`currentStep`, `journeySteps`, `startTime`; start / move / complete / abandon), over the SDK's journeys: the state lives in the client, so every
 * component using the same journey name sees the same steps, and pagehide still abandons it.
 */
export function useUserJourney(journeyName: string): UserJourney {
  const client = useSightline();
  const journey = useSyncExternalStore(
    client.onJourneyChange,
    () => client.getJourney(journeyName),
    () => undefined,
  );
  const actions = useMemo(
    () => ({
      startJourney: (step: string, metadata?: Properties) => client.startJourney(journeyName, step, metadata),
      moveToStep: (step: string, metadata?: Properties) => client.moveToStep(journeyName, step, metadata),
      completeJourney: (metadata?: Properties) => client.completeJourney(journeyName, metadata),
      abandonJourney: (reason?: string, metadata?: Properties) =>
        client.abandonJourney(journeyName, reason, metadata),
    }),
    [client, journeyName],
  );
  return {
    currentStep: journey?.currentStep ?? '',
    journeySteps: journey?.steps ?? NO_STEPS,
    startTime: journey?.startTime,
    ...actions,
  };
}
