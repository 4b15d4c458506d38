-- layerwise_session.lua: one Layerwise session in a real, unconfigured Neovim (0.7.2 or later).
--
--   LAYERWISE_EDITOR_CONFIG=config.json nvim --headless --clean -n -c 'luafile layerwise_session.lua'
--
-- The configuration (written by tests/editors/test_neovim.py) names the Dockerfile, the server
-- command, the settings, the LSP positions to use and the report file. The script does what a
-- user does, through Neovim's own LSP client:
--   1. :edit the Dockerfile, start the server (vim.lsp.start_client) and attach it to the buffer
--      (vim.lsp.buf_attach_client sends didOpen once the server is initialized);
--   2. wait for textDocument/publishDiagnostics and read what Neovim shows (vim.diagnostic.get);
--   3. request completion after `COPY --from=`, and hover on a stage name;
--   4. request the code actions of the RUNN line, with the line's diagnostics as context (what
--      vim.lsp.buf.code_action sends), and apply the one whose title starts with the configured
--      prefix the way Neovim's code-action UI does (codeAction/resolve if the action has no
--      edit and the server resolves, apply_workspace_edit, workspace/executeCommand);
--   5. wait for the diagnostics of the edited text;
--   6. open a Dockerfile below a project config file (.layerwise.toml) and read its diagnostics;
--   7. open Dockerfiles whose build context holds a .env file (LW306), ask for their code
--      actions and apply the fix that writes the .dockerignore: save the ignore file Neovim
--      edited, then the Dockerfile (Neovim 0.7 does not watch files: the server re-reads the
--      context on save) and wait for its diagnostics. A missing ignore file is tried with
--      Neovim's own capabilities (only the offer is checked) and, in a second client, with
--      `documentChanges` added, which creating a file takes;
--   8. shut the servers down.
-- Everything lands in a JSON report. Only APIs that Neovim 0.7.2 has are used.
-- Exit status: 0 every step answered, 1 otherwise (the report says which step failed).

local report = {
  editor = {},
  server = {},
  diagnostics = {},
  completion = {},
  hover = {},
  code_action = {},
  apply = {},
  project_config = {},
  dockerignore = {},
  messages = {},
  errors = {},
}
local cfg = nil
local failed = false
-- uri -> the textDocument/publishDiagnostics received for it
local publishes = {}
local t_start = nil

local function clock_ms()
  return vim.loop.hrtime() / 1e6
end

local function fail(step, detail)
  failed = true
  table.insert(report.errors, { step = step, detail = tostring(detail) })
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

-- A file's text on disk, or nil when there is no such file.
local function disk_text(path)
  local fh = io.open(path, 'r')
  if fh == nil then return nil end
  local text = fh:read('*a')
  fh:close()
  return text
end

-- :write a buffer; BufWritePost makes Neovim send didSave to the servers attached to it.
local function write(bufnr)
  vim.api.nvim_buf_call(bufnr, function() vim.cmd('silent write') end)
end

-- :edit a file as a user would: filetype detection names a Dockerfile `dockerfile` (the languageId).
local function open(file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local detected = vim.bo[bufnr].filetype
  if detected == '' then
    vim.bo[bufnr].filetype = 'dockerfile'
  end
  return bufnr, detected
end

local function publishes_of(uri)
  publishes[uri] = publishes[uri] or {}
  return publishes[uri]
end

-- What the user sees: vim.diagnostic's entries (0-based lnum/col, byte columns).
local function shown_diagnostics(bufnr)
  local shown = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(shown, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, code = d.code, source = d.source, message = d.message,
    })
  end
  table.sort(shown, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    return a.col < b.col
  end)
  return shown
end

-- One request through vim.lsp.buf_request_sync; returns the result, or nil after recording why.
local function request(bufnr, client_id, step, method, params)
  local t0 = clock_ms()
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, cfg.request_timeout_ms)
  local ms = math.floor(clock_ms() - t0)
  if responses == nil then
    fail(step, method .. ' failed: ' .. tostring(err) .. ' after ' .. ms .. ' ms')
    return nil, ms
  end
  local response = responses[client_id]
  if response == nil then
    fail(step, method .. ': no response (does the server advertise the capability?)')
    return nil, ms
  end
  local rpc_error = response.err or response.error -- 0.7 says `error`, later versions `err`
  if rpc_error then
    fail(step, method .. ' returned an error: ' .. vim.inspect(rpc_error))
    return nil, ms
  end
  if response.result == nil then
    return vim.NIL, ms
  end
  return response.result, ms
end

-- Waits for a publish for `uri` after the first `seen` ones, then until no more arrive for
-- settle_ms; returns whether one came, how long that took and the last one's diagnostics.
local function wait_publishes(uri, seen, step)
  local received = publishes_of(uri)
  local t0 = clock_ms()
  if not vim.wait(cfg.diagnostics_timeout_ms, function() return #received > seen end, 10) then
    fail(step, 'no textDocument/publishDiagnostics within ' .. cfg.diagnostics_timeout_ms .. ' ms')
    return false, math.floor(clock_ms() - t0), {}
  end
  local waited = math.floor(clock_ms() - t0)
  local count = #received
  while vim.wait(cfg.settle_ms, function() return #received > count end, 10) do
    count = #received
  end
  return true, waited, received[count].diagnostics
end

local handlers = {
  ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result then
      table.insert(publishes_of(result.uri), {
        at_ms = math.floor(clock_ms() - t_start),
        version = result.version,
        diagnostics = result.diagnostics,
      })
    end
    return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
  end,
  ['window/showMessage'] = function(_, result)
    table.insert(report.messages, { type = result.type, message = result.message })
  end,
  ['window/logMessage'] = function(_, result)
    table.insert(report.messages, { type = result.type, message = result.message, log = true })
  end,
}

-- Starts a server as the Neovim 0.7 snippet of docs/editors.md does and waits until it is
-- initialized; returns the client, or nil after recording why. `server.exit` is set when the
-- server exits.
local function start_server(name, capabilities, server)
  local client_id = vim.lsp.start_client({
    name = name,
    cmd = cfg.cmd,
    cmd_cwd = cfg.root,
    root_dir = cfg.root,
    settings = cfg.settings,
    capabilities = capabilities,
    handlers = handlers,
    on_init = function(client)
      -- Neovim 0.8 and later push `settings` with workspace/didChangeConfiguration after
      -- initialize (and answer workspace/configuration from them); 0.7 leaves that to the user
      -- configuration, which does it here, as the 0.7 snippet in docs/editors.md does.
      server.settings_pushed_by = vim.fn.has('nvim-0.8') == 1 and 'neovim' or 'on_init'
      if vim.fn.has('nvim-0.8') == 0 and next(client.config.settings) then
        client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      end
    end,
    on_exit = function(code, sig)
      server.exit = { code = code, signal = sig, at_ms = math.floor(clock_ms() - t_start) }
    end,
  })
  if not client_id then
    fail('start', 'vim.lsp.start_client could not start ' .. vim.inspect(cfg.cmd))
    return nil
  end
  local t0 = clock_ms()
  local initialized = vim.wait(cfg.init_timeout_ms, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return server.exit ~= nil or (c ~= nil and c.initialized)
  end, 10)
  server.initialize_ms = math.floor(clock_ms() - t0)
  if server.exit ~= nil or not initialized then
    fail('initialize', server.exit and ('server exited: ' .. vim.inspect(server.exit))
      or ('no initialize answer within ' .. cfg.init_timeout_ms .. ' ms'))
    return nil
  end
  return vim.lsp.get_client_by_id(client_id)
end

-- Orderly shutdown: `shutdown` request, then `exit`.
local function stop_server(client, server)
  vim.lsp.stop_client(client.id)
  server.stopped = vim.wait(5000, function() return server.exit ~= nil end, 10)
end

-- The code actions of `range`, with the diagnostics of its first line as context (what
-- vim.lsp.buf.code_action sends); recorded in `into`. Returns nil when the request failed.
local function code_actions(bufnr, client_id, range, step, into)
  local context_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, range.start.line, nil, client_id)
  into.context_codes = {}
  for _, d in ipairs(context_diagnostics) do table.insert(into.context_codes, d.code) end
  local result, ms = request(bufnr, client_id, step, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) }, range = range,
    context = { diagnostics = context_diagnostics },
  })
  into.ms = ms
  if result == nil then return nil end
  local actions = (result ~= vim.NIL and result) or {}
  into.titles = {}
  for _, a in ipairs(actions) do table.insert(into.titles, a.title) end
  into.actions = actions
  return actions
end

-- The first action whose title starts with `prefix` (a copy), or nil after recording the failure.
local function choose(actions, prefix, step)
  for _, a in ipairs(actions) do
    if a.title and a.title:sub(1, #prefix) == prefix then
      return vim.deepcopy(a)
    end
  end
  fail(step, 'no code action title starts with ' .. vim.inspect(prefix))
  return nil
end

-- Applies an action as Neovim's code-action UI does: resolve a lazy action, apply its edit,
-- then run its command (waiting for the buffer to change). Recorded in `into`.
local function apply_action(bufnr, client, chosen, step, into)
  local provider = client.server_capabilities.codeActionProvider
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  into.title = chosen.title
  if chosen.edit == nil and chosen.command == nil and type(provider) == 'table' and provider.resolveProvider then
    local resolved = request(bufnr, client.id, step, 'codeAction/resolve', chosen)
    into.resolved = resolved ~= nil
    if resolved ~= nil and resolved ~= vim.NIL then chosen = resolved end
  end
  into.action = chosen
  if chosen.edit then
    local ok, err = pcall(vim.lsp.util.apply_workspace_edit, chosen.edit, client.offset_encoding)
    if not ok then fail(step, 'apply_workspace_edit: ' .. tostring(err)) end
  end
  local command = chosen.command
  if type(command) == 'string' then
    command = { command = chosen.command, arguments = chosen.arguments }
  end
  if command then
    -- the server's workspace/applyEdit request is answered by Neovim's default handler
    request(bufnr, client.id, step, 'workspace/executeCommand',
      { command = command.command, arguments = command.arguments })
    vim.wait(2000, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= tick end, 10)
  end
end

-- 6. a Dockerfile below a .layerwise.toml
local function project_config(client)
  local into = report.project_config
  local bufnr = open(cfg.project_config.file)
  vim.lsp.buf_attach_client(bufnr, client.id)
  into.received, into.wait_ms, into.lsp = wait_publishes(vim.uri_from_bufnr(bufnr), 0, 'project config')
  into.shown = shown_diagnostics(bufnr)
end

-- 7. one case of the LW306 fix: its offer and, given a title prefix, its effect on disk
local function dockerignore_case(client, name)
  local case = cfg.dockerignore[name]
  local step = 'dockerignore ' .. name
  local into = {}
  report.dockerignore[name] = into
  local bufnr = open(case.file)
  local uri = vim.uri_from_bufnr(bufnr)
  vim.lsp.buf_attach_client(bufnr, client.id)
  into.received, into.wait_ms, into.lsp = wait_publishes(uri, 0, step)
  local actions = code_actions(bufnr, client.id, cfg.dockerignore.range, step, into)
  local chosen = actions and case.prefix ~= '' and choose(actions, case.prefix, step)
  if not chosen then return end
  apply_action(bufnr, client, chosen, step, into)
  -- Neovim edits the ignore file in a buffer (CreateFile with ignoreIfExists only makes the
  -- buffer): save it, as the user does
  local ignore_buf = vim.uri_to_bufnr(vim.uri_from_fname(case.ignore_file))
  into.ignore_saved = vim.bo[ignore_buf].modified
  if into.ignore_saved then write(ignore_buf) end
  into.ignore_text = disk_text(case.ignore_file)
  local seen = #publishes_of(uri)
  write(bufnr)
  into.received_after_save, into.wait_after_save_ms, into.lsp_after_save = wait_publishes(
    uri, seen, step .. ' after saving')
  into.shown_after_save = shown_diagnostics(bufnr)
end

local function main()
  local config_path = os.getenv('LAYERWISE_EDITOR_CONFIG')
  assert(config_path, 'LAYERWISE_EDITOR_CONFIG is not set')
  local fh = assert(io.open(config_path, 'r'))
  cfg = vim.json.decode(fh:read('*a'))
  fh:close()

  local v = vim.version()
  report.editor.name = 'neovim'
  report.editor.version = string.format('%d.%d.%d', v.major, v.minor, v.patch)

  -- what the server's fixes that create files depend on
  report.editor.workspace_edit = vim.lsp.protocol.make_client_capabilities().workspace.workspaceEdit

  -- 1. open the file, start the server and attach it
  local bufnr
  bufnr, report.editor.detected_filetype = open(cfg.file)
  local uri = vim.uri_from_bufnr(bufnr)
  report.document = { uri = uri, filetype = vim.bo[bufnr].filetype, text_before = buffer_text(bufnr) }

  t_start = clock_ms()
  local client = start_server('layerwise', nil, report.server)
  if client == nil then
    return
  end
  vim.lsp.buf_attach_client(bufnr, client.id)
  report.server.capabilities = client.server_capabilities
  report.server.offset_encoding = client.offset_encoding

  -- 2. diagnostics
  report.diagnostics.received, report.diagnostics.wait_ms, report.diagnostics.lsp = wait_publishes(
    uri, 0, 'diagnostics')
  report.diagnostics.shown = shown_diagnostics(bufnr)

  local doc = { uri = uri }

  -- 3a. completion after `COPY --from=`
  local result, ms = request(bufnr, client.id, 'completion', 'textDocument/completion', {
    textDocument = doc, position = cfg.completion, context = { triggerKind = 1 },
  })
  report.completion.ms = ms
  if result ~= nil then
    local entries = (result ~= vim.NIL and (result.items or result)) or {}
    report.completion.labels = {}
    for _, item in ipairs(entries) do table.insert(report.completion.labels, item.label) end
    report.completion.items = entries
  end

  -- 3b. hover on a stage name
  result, ms = request(bufnr, client.id, 'hover', 'textDocument/hover', {
    textDocument = doc, position = cfg.hover,
  })
  report.hover.ms = ms
  if result ~= nil and result ~= vim.NIL then
    report.hover.result = result
    -- what Neovim's hover window shows
    report.hover.lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  elseif result == vim.NIL then
    fail('hover', 'the server answered hover with null')
  end

  -- 4. code actions on the RUNN line; apply the "Change to RUN" one
  report.code_action.server_offers = client.server_capabilities.codeActionProvider ~= nil
    and client.server_capabilities.codeActionProvider ~= false
  local chosen = nil
  if not report.code_action.server_offers then
    fail('code_action', 'the server does not advertise codeActionProvider')
  else
    local actions = code_actions(bufnr, client.id, cfg.code_action_range, 'code_action',
      report.code_action)
    chosen = actions and choose(actions, cfg.action_title_prefix, 'apply')
  end

  if chosen then
    local tick = vim.api.nvim_buf_get_changedtick(bufnr)
    local seen = #publishes_of(uri)
    apply_action(bufnr, client, chosen, 'apply', report.apply)
    report.apply.changed = vim.api.nvim_buf_get_changedtick(bufnr) ~= tick
    report.apply.text_after = buffer_text(bufnr)
    if not report.apply.changed then
      fail('apply', 'the buffer did not change')
    else
      -- 5. Neovim sends didChange (debounced); the server publishes the new diagnostics
      report.apply.diagnostics_received, report.apply.diagnostics_wait_ms,
        report.apply.diagnostics_lsp = wait_publishes(uri, seen, 'diagnostics after the edit')
      report.apply.diagnostics_shown = shown_diagnostics(bufnr)
    end
  end
  report.diagnostics.publishes = publishes_of(uri)

  -- 6. and 7.: the project config file, the .dockerignore fix
  project_config(client)
  dockerignore_case(client, 'default')
  dockerignore_case(client, 'add')
  local capabilities = vim.tbl_deep_extend('force', vim.lsp.protocol.make_client_capabilities(),
    { workspace = { workspaceEdit = { documentChanges = true } } })
  local second = {}
  report.dockerignore.document_changes_server = second
  local with_changes = start_server('layerwise-document-changes', capabilities, second)
  if with_changes ~= nil then
    dockerignore_case(with_changes, 'create')
    stop_server(with_changes, second)
  end

  -- 8. orderly shutdown
  stop_server(client, report.server)
  report.total_ms = math.floor(clock_ms() - t_start)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail('driver', err)
end
report.ok = not failed
if cfg ~= nil and cfg.out then
  local encoded_ok, text = pcall(vim.json.encode, report)
  if not encoded_ok then
    text = vim.json.encode({ ok = false, errors = { { step = 'report', detail = tostring(text) } },
                             dump = vim.inspect(report) })
  end
  local out = assert(io.open(cfg.out, 'w'))
  out:write(text, '\n')
  out:close()
else
  io.stderr:write('layerwise_session.lua: ' .. tostring(err) .. '\n')
end
if failed then
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
