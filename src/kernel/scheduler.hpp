#pragma once
// The scheduler's unit of work: one slice of one process.

namespace luaos {

class Process;
class Runtime;

// Resumes `process` where it stopped and runs it until it is preempted,
// yields at its top level, returns or fails; updates its status to match.
// A process whose earlier slices overran by a whole slice's worth sits this
// turn out instead (runtime/deadline_preemption.cpp).
void scheduler_run_slice(Runtime& runtime, Process& process);

}  // namespace luaos
