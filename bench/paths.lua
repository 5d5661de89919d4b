-- For wrk: each request asks for one path of a list file, at random or in turn.
-- wrk -s bench/paths.lua http://host:port -- LIST_FILE [cycle]
-- LIST_FILE holds one path per line (/articles/some-slug/); with "cycle" every thread walks
-- the list in order from its own starting point, else each request draws a path at random.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  cycle = args[2] == "cycle"
  -- Threads share the clock: the number keeps their draws, and their places, apart.
  math.randomseed(os.time() * 1000 + number)
  position = (number - 1) * math.floor(#paths / 2)
end

function request()
  local path
  if cycle then
    position = position % #paths + 1
    path = paths[position]
  else
    path = paths[math.random(#paths)]
  end
  return wrk.format(nil, path)
end
