#pragma once
// The scheduler: how the processes of one VM share its turn of a tick.
//
// A tick is one frame of the game loop. The cluster gives every VM that has
// work one turn per tick (src/cluster/shard.hpp); in its turn the VM's Os
// (Os::tick) gives each of its runnable processes exactly one slice, in PID
// order: round-robin, no priorities. A process's life is a loop of four
// steps, every one of them cheap for the processes it does not concern:
//
//   tick   Os::tick walks the runnable list and calls scheduler_run_slice for
//          each process. The slice resumes the process's innermost coroutine
//          (Task::running_thread) with lua_resume and lasts until the process
//          is preempted (its time or quantum ran out: runtime/preemption.hpp),
//          yields at its top level, gives up the CPU through the process API,
//          returns, or fails. What the slice cost is counted before the
//          process may end (UsageCounters, the observer's on_slice, the
//          tick's figures in SharedKernel). A process that owes CPU time
//          from slices that overran sits its turn out instead.
//
//   park   A slice that ended in os.sleep, os.wait, io.read on an empty
//          stdin or os.receive on an empty mailbox leaves its reason in the
//          process's ProcessApiState; Os::park then takes the process off the
//          runnable list: a sleep or a receive with a timeout puts a timer in
//          the Os's min-heap, os.wait puts the process on its target's
//          waiters, a read or a receive waits for the host or a sender. A
//          parked process is not visited by any tick, so a million sleepers
//          cost nothing per tick; os.yield (or os.sleep(0)) is not a park: the
//          process stays runnable for the next tick.
//
//   wake   Whatever a parked process waits for makes it runnable again, on
//          the woken list of its Os's bookkeeping (OsBookkeeping::woken): a
//          timer that comes due (checked at the start of each tick, the
//          earliest only), a line written to its stdin, a message, the end of
//          the process it waits for. A tick first merges the woken into the
//          runnable list, keeping PID order, so that a process woken during a
//          tick runs from the next one, as a spawned one does: slices never
//          change the list they are walking. A wake from outside a tick (the
//          host) tells the runtime's OsActivityListener, so that a cluster
//          which set the idle VM aside ticks it again.
//
//   reap   A process that ends — it returned, failed, was killed, or was
//          doomed by a limit (runtime/doom.hpp) — gives its Lua thread back at
//          once and is noted as ended. At the end of the tick Os::reap_ended
//          reports each ended process (ProcessObserver::on_exit, the exit
//          records os.status and os.wait read), wakes its waiters, adds its
//          counters to the VM's, and deletes it. When no process is left the
//          Os is finished, and the cluster drops the VM.
//
// The slice itself is the only step that runs a script; the runtime below
// knows it as a Task and tells the kernel what happened through the
// TaskHandlers the kernel installed (runtime/task_handlers.hpp). Figures
// and the reasons for this design are in docs/scheduling.md.

namespace luaos {

class Process;
class Runtime;

// Resumes `process` where it stopped and runs it until it is preempted,
// yields at its top level, returns or fails; updates its status to match.
// A process whose earlier slices overran by a whole slice's worth sits this
// turn out instead (runtime/deadline_preemption.cpp).
void scheduler_run_slice(Runtime& runtime, Process& process);

}  // namespace luaos
