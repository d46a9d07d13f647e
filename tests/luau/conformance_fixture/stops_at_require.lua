local tracegc = require "tracegc"
