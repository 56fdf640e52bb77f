// The cron example (examples/cron-worker, copied here as cron-example.mjs by pack-e2e.sh) on
// a clock the test moves: each scheduled event runs the example's updateLeaderboard with the
// event's scheduledTime as the client's clock, so 3 hours of cron runs take seconds.
import { updateLeaderboard } from "./cron-example.mjs";

export default {
  async scheduled(controller, env) {
    await updateLeaderboard(env, { now: () => controller.scheduledTime });
  },
};
