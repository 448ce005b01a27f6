// "timer": the SDK's Timer.
export default class Timer {
	static set = native("xs_timer_set");
	static repeat = native("xs_timer_repeat");
	static schedule = native("xs_timer_schedule");
	static clear = native("xs_timer_clear");
	static delay = native("xs_timer_delay");
}
