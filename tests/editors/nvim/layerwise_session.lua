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
--   5. wait for the diagnostics of the edited text, then shut the server down.
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
  messages = {},
  errors = {},
}
local cfg = nil
local failed = false

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

local function main()
  local config_path = os.getenv('LAYERWISE_EDITOR_CONFIG')
  assert(config_path, 'LAYERWISE_EDITOR_CONFIG is not set')
  local fh = assert(io.open(config_path, 'r'))
  cfg = vim.json.decode(fh:read('*a'))
  fh:close()

  local v = vim.version()
  report.editor.name = 'neovim'
  report.editor.version = string.format('%d.%d.%d', v.major, v.minor, v.patch)

  -- 1. open the file as a user would; filetype detection names it `dockerfile` (the languageId)
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.file))
  local bufnr = vim.api.nvim_get_current_buf()
  report.editor.detected_filetype = vim.bo[bufnr].filetype
  if vim.bo[bufnr].filetype == '' then
    vim.bo[bufnr].filetype = 'dockerfile'
  end
  local uri = vim.uri_from_bufnr(bufnr)
  report.document = { uri = uri, filetype = vim.bo[bufnr].filetype, text_before = buffer_text(bufnr) }

  local publishes = {}
  local exited = nil
  local t_start = clock_ms()
  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']

  local client_id = vim.lsp.start_client({
    name = 'layerwise',
    cmd = cfg.cmd,
    cmd_cwd = cfg.root,
    root_dir = cfg.root,
    settings = cfg.settings,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        if result and result.uri == uri then
          table.insert(publishes, {
            at_ms = math.floor(clock_ms() - t_start),
            version = result.version,
            diagnostics = result.diagnostics,
          })
        end
        return default_publish(err, result, ctx, config)
      end,
      ['window/showMessage'] = function(_, result)
        table.insert(report.messages, { type = result.type, message = result.message })
      end,
      ['window/logMessage'] = function(_, result)
        table.insert(report.messages, { type = result.type, message = result.message, log = true })
      end,
    },
    on_init = function(client)
      -- Neovim 0.8 and later push `settings` with workspace/didChangeConfiguration after
      -- initialize (and answer workspace/configuration from them); 0.7 leaves that to the user
      -- configuration, which does it here, as the 0.7 snippet in docs/editors.md does.
      report.server.settings_pushed_by = vim.fn.has('nvim-0.8') == 1 and 'neovim' or 'on_init'
      if vim.fn.has('nvim-0.8') == 0 and next(client.config.settings) then
        client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      end
    end,
    on_exit = function(code, sig)
      exited = { code = code, signal = sig, at_ms = math.floor(clock_ms() - t_start) }
    end,
  })
  if not client_id then
    fail('start', 'vim.lsp.start_client could not start ' .. vim.inspect(cfg.cmd))
    return
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local initialized = vim.wait(cfg.init_timeout_ms, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return exited ~= nil or (c ~= nil and c.initialized)
  end, 10)
  report.server.initialize_ms = math.floor(clock_ms() - t_start)
  if exited ~= nil or not initialized then
    report.server.exit = exited
    fail('initialize', exited and ('server exited: ' .. vim.inspect(exited))
      or ('no initialize answer within ' .. cfg.init_timeout_ms .. ' ms'))
    return
  end
  local client = vim.lsp.get_client_by_id(client_id)
  report.server.capabilities = client.server_capabilities
  report.server.offset_encoding = client.offset_encoding

  -- Waits for a publish after the first `seen` ones, then until no more arrive for settle_ms.
  local function wait_publishes(seen, step)
    local t0 = clock_ms()
    if not vim.wait(cfg.diagnostics_timeout_ms, function() return #publishes > seen end, 10) then
      fail(step, 'no textDocument/publishDiagnostics within ' .. cfg.diagnostics_timeout_ms .. ' ms')
      return false, math.floor(clock_ms() - t0)
    end
    local waited = math.floor(clock_ms() - t0)
    local count = #publishes
    while vim.wait(cfg.settle_ms, function() return #publishes > count end, 10) do
      count = #publishes
    end
    return true, waited
  end

  -- 2. diagnostics
  local got, waited = wait_publishes(0, 'diagnostics')
  report.diagnostics.received = got
  report.diagnostics.wait_ms = waited
  report.diagnostics.lsp = got and publishes[#publishes].diagnostics or {}
  report.diagnostics.shown = shown_diagnostics(bufnr)

  local doc = { uri = uri }

  -- 3a. completion after `COPY --from=`
  local result, ms = request(bufnr, client_id, 'completion', 'textDocument/completion', {
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
  result, ms = request(bufnr, client_id, 'hover', 'textDocument/hover', {
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

  -- 4. code actions on the RUNN line, with that line's diagnostics (as vim.lsp.buf.code_action)
  report.code_action.server_offers = client.server_capabilities.codeActionProvider ~= nil
    and client.server_capabilities.codeActionProvider ~= false
  if not report.code_action.server_offers then
    fail('code_action', 'the server does not advertise codeActionProvider')
  end
  local range = cfg.code_action_range
  local context_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, range.start.line, nil, client_id)
  report.code_action.context_codes = {}
  for _, d in ipairs(context_diagnostics) do table.insert(report.code_action.context_codes, d.code) end
  local actions = nil
  if report.code_action.server_offers then
    result, ms = request(bufnr, client_id, 'code_action', 'textDocument/codeAction', {
      textDocument = doc, range = range, context = { diagnostics = context_diagnostics },
    })
    report.code_action.ms = ms
    if result ~= nil then
      actions = (result ~= vim.NIL and result) or {}
      report.code_action.titles = {}
      for _, a in ipairs(actions) do table.insert(report.code_action.titles, a.title) end
      report.code_action.actions = actions
    end
  end

  local chosen = nil
  for _, a in ipairs(actions or {}) do
    if a.title and a.title:sub(1, #cfg.action_title_prefix) == cfg.action_title_prefix then
      chosen = vim.deepcopy(a)
      break
    end
  end
  if actions ~= nil and chosen == nil then
    fail('apply', 'no code action title starts with ' .. vim.inspect(cfg.action_title_prefix))
  end

  if chosen ~= nil then
    local provider = client.server_capabilities.codeActionProvider
    local tick = vim.api.nvim_buf_get_changedtick(bufnr)
    local seen = #publishes
    report.apply.title = chosen.title
    -- as Neovim's code-action UI: resolve a lazy action, apply its edit, then run its command
    if chosen.edit == nil and chosen.command == nil and type(provider) == 'table' and provider.resolveProvider then
      local resolved = request(bufnr, client_id, 'apply', 'codeAction/resolve', chosen)
      report.apply.resolved = resolved ~= nil
      if resolved ~= nil and resolved ~= vim.NIL then chosen = resolved end
    end
    report.apply.action = chosen
    if chosen.edit then
      local ok, err = pcall(vim.lsp.util.apply_workspace_edit, chosen.edit, client.offset_encoding)
      if not ok then fail('apply', 'apply_workspace_edit: ' .. tostring(err)) end
    end
    local command = chosen.command
    if type(command) == 'string' then
      command = { command = chosen.command, arguments = chosen.arguments }
    end
    if command then
      -- the server's workspace/applyEdit request is answered by Neovim's default handler
      request(bufnr, client_id, 'apply', 'workspace/executeCommand',
        { command = command.command, arguments = command.arguments })
      vim.wait(2000, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= tick end, 10)
    end
    report.apply.changed = vim.api.nvim_buf_get_changedtick(bufnr) ~= tick
    report.apply.text_after = buffer_text(bufnr)
    if not report.apply.changed then
      fail('apply', 'the buffer did not change')
    else
      -- 5. Neovim sends didChange (debounced); the server publishes the new diagnostics
      local got_after, waited_after = wait_publishes(seen, 'diagnostics after the edit')
      report.apply.diagnostics_received = got_after
      report.apply.diagnostics_wait_ms = waited_after
      report.apply.diagnostics_lsp = got_after and publishes[#publishes].diagnostics or {}
      report.apply.diagnostics_shown = shown_diagnostics(bufnr)
    end
  end
  report.diagnostics.publishes = publishes

  -- orderly shutdown: `shutdown` request, then `exit`
  vim.lsp.stop_client(client_id)
  report.server.stopped = vim.wait(5000, function() return exited ~= nil end, 10)
  report.server.exit = exited
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
