// The example game (examples/game) with its game server in Node.js rather
// than C++: it drives a `luaos serve` node over NATS (docs/serve.md) with
// the npm `nats` client, and serves the VM's host library itself.
//   game.scan(direction)  answered at once
//   game.price(item)      answered from the price list, or an error
// A player's computer is created with the library declared; its program
// calls the library; each call arrives here as a NATS request on
// luaos.<node>.call.game.<function>, and the reply resumes the script. The
// player's screen (the VM's output events) is shown when the program ends.
//
//   node game.mjs [NATS_URL [NODE]]     (defaults: nats://127.0.0.1:4222 n1)
import { connect } from "nats";

const [url = "nats://127.0.0.1:4222", node = "n1"] = process.argv.slice(2);
const prices = { ore: 12, ice: 3 };

// The player's program: three calls of the game's library.
const program = `
local found = game.scan("north")
print(("%s: %d %s"):format(found.direction, found.amount, found.kind))
print("ore sells for " .. game.price("ore"))
local ok, why = pcall(game.price, "gold")
print(why)
`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (value) => encoder.encode(JSON.stringify(value));
const decode = (message) => JSON.parse(decoder.decode(message.data));

// The game's answer to one call: {"result": [...]} or {"error": "..."}.
function answer(call) {
  const [first] = call.args;
  switch (call.function) {
    case "game.scan":
      return { result: [{ direction: first, kind: "ore", amount: first.length + call.pid }] };
    case "game.price":
      return first in prices ? { result: [prices[first]] } : { error: `no price for '${first}'` };
    default:
      return { error: `the game has no ${call.function}` };
  }
}

async function serveLibrary(nc) {
  for await (const message of nc.subscribe(`luaos.${node}.call.game.*`)) {
    const call = decode(message);
    console.log(`game: ${call.function}(${call.args.map((arg) => JSON.stringify(arg)).join(", ")}) from pid ${call.pid}`);
    message.respond(encode(answer(call)));
  }
}

async function request(nc, operation, body = {}) {
  const reply = decode(await nc.request(`luaos.${node}.${operation}`, encode(body), { timeout: 10000 }));
  if (!reply.ok) throw new Error(`${operation}: ${reply.error.code}: ${reply.error.message}`);
  return reply;
}

// The node may still be starting: ask until it answers.
async function waitForNode(nc) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request(nc, "stats");
    } catch (error) {
      if (attempt === 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// Resolves with the VM's output once `pid` exits; events are kept from the
// start, since they may come before the create's reply is read.
function watchScreen(nc) {
  const events = [];
  let wake = () => {};
  (async () => {
    for await (const message of nc.subscribe(`luaos.${node}.vm.*.events`)) {
      events.push(decode(message));
      wake();
    }
  })();
  return async (vm, pid) => {
    for (;;) {
      const mine = events.filter((event) => event.vm === vm && event.pid === pid);
      const exit = mine.find((event) => event.event === "exit");
      if (exit) return { exit, screen: mine.filter((event) => event.event === "output").map((event) => event.data).join("") };
      await new Promise((resolve) => { wake = resolve; });
    }
  };
}

const nc = await connect({ servers: url, name: "example game" });
serveLibrary(nc);
const screenOf = watchScreen(nc);
await nc.flush();
await waitForNode(nc);
console.log(`game: node ${node} is up`);

const created = await request(nc, "vm.create", {
  programs: [{ name: "main", code: program }],
  boot: [{ program: "main" }],
  libraries: [{ name: "game", functions: ["scan", "price"] }],
});
const { exit, screen } = await screenOf(created.vm, created.boot[0].pid);
console.log("== ada's screen");
process.stdout.write(screen);
console.log(`== ada's program ${exit.status}`);
await request(nc, `vm.${created.vm}.destroy`);
console.log("== ada's computer destroyed");
await nc.drain();
