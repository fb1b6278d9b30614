import type { PluginName } from '@sightline/sdk';
import { type ReactNode, useEffect } from 'react';
import { useSightline } from './context.js';

/** What the wrapper tracks: page performance, engagement, clicks, scroll depth, visibility. */
export const TRACKING_WRAPPER_PLUGINS: PluginName[] = [
  'performance',
  'engagement',
  'clicks',
  'scrollDepth',
  'visibility',
];

export interface TrackingWrapperProps {
  children?: ReactNode;
  /** Sent as `video_id` with every event while mounted. */
  videoId?: string;
  /** Sent as `user_id` with every event while mounted. */
  userId?: string;
}

/**
 * Turns on page capture (performance, engagement, clicks, scroll depth, visibility), through the SDK plugins
 * (which are real: beacons on exit, once-per-page scroll milestones), while it is mounted.
 */
export function TrackingWrapper({ children, videoId, userId }: TrackingWrapperProps) {
  const client = useSightline();

  useEffect(() => client.enable(TRACKING_WRAPPER_PLUGINS), [client]);

  useEffect(() => {
    const properties = {
      ...(videoId !== undefined && { video_id: videoId }),
      ...(userId !== undefined && { user_id: userId }),
    };
    client.register(properties);
    return () => client.unregister(...Object.keys(properties));
  }, [client, videoId, userId]);

  return <>{children}</>;
}
