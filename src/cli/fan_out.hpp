#pragma once
// One ProcessObserver that forwards to several: the cluster takes one
// observer, and a run may want its output, JSON records, trace, timeline and
// top view all at once.

#include <vector>

#include "luaos/observer.hpp"

namespace luaos::cli {

class FanOut final : public ProcessObserver {
public:
    void add(ProcessObserver* observer) { observers_.push_back(observer); }
    bool empty() const { return observers_.empty(); }

    void on_spawn(const Process& process) override {
        for (ProcessObserver* observer : observers_) observer->on_spawn(process);
    }
    void on_slice(const Process& process, const SliceRecord& slice) override {
        for (ProcessObserver* observer : observers_) observer->on_slice(process, slice);
    }
    void on_output(const Process& process, std::string_view text) override {
        for (ProcessObserver* observer : observers_) observer->on_output(process, text);
    }
    void on_exit(const Process& process) override {
        for (ProcessObserver* observer : observers_) observer->on_exit(process);
    }

private:
    std::vector<ProcessObserver*> observers_;
};

}  // namespace luaos::cli
