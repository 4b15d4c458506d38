;;; layerwise-session.el --- one Layerwise session in Emacs 28 + Eglot  -*- lexical-binding: t -*-

;; LAYERWISE_EDITOR_CONFIG=config.json emacs -Q --batch -l layerwise-session.el
;;
;; The configuration (written by tests/editors/test_emacs.py) names the Dockerfile, the server
;; command, the settings, the LSP positions to use and the report file.  The session uses Eglot
;; the way a user's configuration does (docs/editors.md):
;;   1. `eglot-server-programs' maps `dockerfile-mode' to the server command and
;;      `eglot-workspace-configuration' holds the "layerwise" section;
;;   2. the Dockerfile is visited (auto-mode-alist picks `dockerfile-mode') and `M-x eglot' is
;;      run with the guessed contact; Flymake receives the diagnostics;
;;   3. completion goes through `eglot-completion-at-point' (what `completion-at-point' calls)
;;      after `COPY --from=', hover is a direct textDocument/hover request;
;;   4. the code actions of the RUNN line are requested with `eglot-code-actions' (its context
;;      carries Flymake's diagnostics), then the one whose title starts with the configured
;;      prefix is applied through the interactive command, with the minibuffer answered;
;;   5. the diagnostics of the edited text are awaited, then the server is shut down.
;; Everything lands in a JSON report.  Exit status: 0 every step answered, 1 otherwise.

(require 'package)
;; -Q leaves the package directories empty: use Debian's elpa-eglot and elpa-dockerfile-mode.
(setq package-directory-list
      (if (getenv "LAYERWISE_ELPA_DIRS")
          (split-string (getenv "LAYERWISE_ELPA_DIRS") ":" t)
        '("/usr/share/emacs/site-lisp/elpa")))
(package-initialize)
(require 'cl-lib)
(require 'subr-x)
(require 'flymake)
(require 'eglot)
(require 'dockerfile-mode)

(defvar lw-config nil "The parsed configuration (a plist).")
(defvar lw-report nil "The report, a plist; see `lw-put'.")
(defvar lw-failed nil)
(defvar lw-uri nil)
(defvar lw-publishes nil "Diagnostics published for `lw-uri', newest first.")
(defvar lw-t0 (float-time))

(defun lw-ms (since) (round (* 1000 (- (float-time) since))))

(defun lw-cfg (key) (plist-get lw-config key))

(defun lw-put (key value) (setq lw-report (plist-put lw-report key value)))

(defun lw-step (name)
  "Note when a step starts, for the report's timings."
  (lw-put :steps (vconcat (plist-get lw-report :steps) (list (list :step name :at_ms (lw-ms lw-t0))))))

(defun lw-fail (step detail)
  (setq lw-failed t)
  (lw-put :errors (vconcat (plist-get lw-report :errors)
                           (list (list :step step :detail (format "%s" detail))))))

(defun lw-json (value)
  "VALUE (plists, vectors, lists) in a shape `json-serialize' writes faithfully."
  (cond ((null value) :null)
        ((memq value '(t :json-false :null)) value)
        ((stringp value) (substring-no-properties value))
        ((numberp value) value)
        ((vectorp value) (vconcat (mapcar #'lw-json value)))
        ((and (consp value) (keywordp (car value)))
         (cl-loop for (k v) on value by #'cddr nconc (list k (lw-json v))))
        ((consp value) (vconcat (mapcar #'lw-json value)))
        ((symbolp value) (symbol-name value))
        (t (format "%S" value))))

(defun lw-write-report ()
  (lw-put :ok (if lw-failed :json-false t))
  (let ((coding-system-for-write 'utf-8))
    (with-temp-file (lw-cfg :out)
      (insert (json-serialize (lw-json lw-report) :null-object :null :false-object :json-false))
      (insert "\n"))))

(defun lw-wait (predicate timeout-ms)
  "Run the event loop until PREDICATE holds or TIMEOUT-MS pass.
Return PREDICATE's last value."
  (let ((deadline (+ (float-time) (/ timeout-ms 1000.0))) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.01))
    value))

(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  "Keep every publish for the session's document (Eglot hands them to Flymake)."
  (when (equal uri lw-uri)
    (push (list :at_ms (lw-ms lw-t0) :diagnostics diagnostics) lw-publishes)))

(defun lw-wait-publishes (seen step)
  "Wait for a publish beyond the first SEEN, then until none comes for settle_ms."
  (let* ((t0 (float-time))
         (got (lw-wait (lambda () (> (length lw-publishes) seen)) (lw-cfg :diagnostics_timeout_ms)))
         (waited (lw-ms t0)))
    (if (not got)
        (lw-fail step (format "no textDocument/publishDiagnostics within %s ms"
                              (lw-cfg :diagnostics_timeout_ms)))
      (let ((count (length lw-publishes)))
        (while (lw-wait (lambda () (> (length lw-publishes) count)) (lw-cfg :settle_ms))
          (setq count (length lw-publishes)))))
    (list got waited)))

(defun lw-lsp-position (point)
  (save-excursion (goto-char point) (eglot--pos-to-lsp-position)))

(defun lw-shown-diagnostics ()
  "What Flymake shows: each diagnostic's region, type, code and text.
Regions are given as LSP positions."
  (let ((diags (sort (flymake-diagnostics)
                     (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))
    (vconcat
     (mapcar (lambda (d)
               (let ((lsp (cdr (assq 'eglot-lsp-diag (flymake-diagnostic-data d)))))
                 (list :start (lw-lsp-position (flymake-diagnostic-beg d))
                       :end (lw-lsp-position (flymake-diagnostic-end d))
                       :type (flymake-diagnostic-type d)
                       :code (plist-get lsp :code)
                       :text (flymake-diagnostic-text d))))
             diags))))

(defun lw-flymake-settle ()
  "Let Flymake run Eglot's backend on what was published.
Flymake does this on an idle timer after a change."
  (flymake-start)
  (unless (lw-wait (lambda () (memq 'eglot-flymake-backend (flymake-reporting-backends))) 2000)
    (lw-fail "flymake" "Eglot's Flymake backend did not report within 2000 ms")))

(defun lw-point (position)
  (eglot--lsp-position-to-point
   (list :line (plist-get position :line) :character (plist-get position :character))))

(defun lw-request (server step method params)
  "A request on Eglot's connection: (t . RESULT).
Return (nil) after recording the failure."
  (condition-case err
      (cons t (jsonrpc-request server method params
                               :timeout (/ (lw-cfg :request_timeout_ms) 1000.0)))
    (error (lw-fail step (format "%s failed: %S" method err)) (list nil))))

(defun lw-session ()
  (setq lw-config (json-parse-string
                   (with-temp-buffer (insert-file-contents (getenv "LAYERWISE_EDITOR_CONFIG"))
                                     (buffer-string))
                   :object-type 'plist :null-object nil :false-object :json-false))
  (lw-put :editor (list :name "emacs" :version emacs-version
                        :eglot (package-version-join
                                (package-desc-version (cadr (assq 'eglot package-alist))))))
  ;; never write next to the document (lock, backup, auto-save files)
  (setq create-lockfiles nil make-backup-files nil auto-save-default nil)
  (setq eglot-sync-connect t
        eglot-connect-timeout (ceiling (lw-cfg :init_timeout_ms) 1000)
        eglot-autoshutdown nil
        eglot-events-buffer-size 0
        eglot-confirm-server-initiated-edits nil)

  ;; 1. the user's configuration
  (add-to-list 'eglot-server-programs `(dockerfile-mode . ,(append (lw-cfg :cmd) nil)))
  (setq-default eglot-workspace-configuration (lw-cfg :settings))

  ;; 2. visit the file and start Eglot, as M-x eglot does
  (find-file (lw-cfg :file))
  (setq lw-uri (eglot--path-to-uri buffer-file-name))
  (lw-put :document (list :uri lw-uri :major_mode major-mode :text_before (buffer-string)))
  (let* ((t0 (float-time))
         (server (condition-case err
                     (progn (apply #'eglot (eglot--guess-contact)) (eglot-current-server))
                   (error (lw-fail "initialize" (format "%S" err)) nil))))
    (lw-put :server (list :initialize_ms (lw-ms t0)))
    (when (and (null server) (not lw-failed))
      (lw-fail "initialize" "Eglot did not connect"))
    (when (and server (not (jsonrpc-running-p server)))
      (lw-fail "initialize" "the server exited")
      (setq server nil))
    (when server
      (lw-put :server (list :initialize_ms (lw-ms t0)
                            :language_id (eglot--language-id server)
                            :capabilities (eglot--capabilities server)))
      (lw-session-with server))))

(defun lw-session-with (server)
  ;; diagnostics
  (pcase-let ((`(,got ,waited) (lw-wait-publishes 0 "diagnostics")))
    (when got (lw-flymake-settle))
    (lw-put :diagnostics (list :received (if got t :json-false) :wait_ms waited
                               :lsp (plist-get (car lw-publishes) :diagnostics)
                               :shown (lw-shown-diagnostics))))

  (lw-step "completion")
  ;; 3a. completion after `COPY --from=': the raw reply, and what Eglot's capf offers
  (goto-char (lw-point (lw-cfg :completion)))
  (let* ((t0 (float-time))
         (raw (cdr (lw-request server "completion" :textDocument/completion
                               (eglot--CompletionParams))))
         (ms (lw-ms t0))
         (raw-items (if (vectorp raw) raw (plist-get raw :items)))
         (capf (eglot-completion-at-point))
         (record (list :ms ms :raw_labels (vconcat (mapcar (lambda (i) (plist-get i :label))
                                                          raw-items)))))
    (if (null capf)
        (lw-fail "completion" "eglot-completion-at-point returned nil")
      (let ((prefix (buffer-substring-no-properties (nth 0 capf) (nth 1 capf))))
        (setq record (append record (list :prefix prefix
                                          :labels (vconcat (all-completions prefix (nth 2 capf))))))))
    (lw-put :completion record))

  (lw-step "hover")
  ;; 3b. hover on a stage name
  (goto-char (lw-point (lw-cfg :hover)))
  (let* ((t0 (float-time))
         (answer (lw-request server "hover" :textDocument/hover
                             (eglot--TextDocumentPositionParams)))
         (result (cdr answer)))
    (if (null result)
        (when (car answer) (lw-fail "hover" "the server answered hover with null"))
      (lw-put :hover (list :ms (lw-ms t0) :result result
                           ;; what Eglot's eldoc shows
                           :rendered (eglot--hover-info (plist-get result :contents))))))

  (lw-step "code_action")
  ;; 4. code actions on the RUNN line
  (let* ((range (lw-cfg :code_action_range))
         (beg (lw-point (plist-get range :start)))
         (end (lw-point (plist-get range :end)))
         (offers (and (eglot--server-capable :codeActionProvider) t))
         (prefix (lw-cfg :action_title_prefix))
         (record (list :server_offers (if offers t :json-false)
                       :context_codes
                       (vconcat (cl-loop for d in (flymake-diagnostics beg end)
                                         for lsp = (cdr (assq 'eglot-lsp-diag
                                                              (flymake-diagnostic-data d)))
                                         when lsp collect (plist-get lsp :code)))))
         actions)
    (if (not offers)
        (lw-fail "code_action" "the server does not advertise codeActionProvider")
      (let ((t0 (float-time)))
        (condition-case err
            (setq actions (eglot-code-actions beg end))
          (error (lw-fail "code_action" (format "textDocument/codeAction failed: %S" err))))
        (setq record (append record (list :ms (lw-ms t0) :actions (vconcat actions)
                                          :titles (vconcat (mapcar (lambda (a) (plist-get a :title))
                                                                   actions)))))))
    (lw-put :code_action record)

    (lw-step "apply")
    ;; apply the chosen action as a user does: M-x eglot-code-actions, pick it by title
    (let ((chosen (cl-find-if (lambda (a) (string-prefix-p prefix (plist-get a :title))) actions)))
      (cond
       ((null offers))
       ((null chosen)
        (lw-fail "apply" (format "no code action title starts with %S" prefix)))
       (t
        (let ((tick (buffer-chars-modified-tick))
              (seen (length lw-publishes))
              (apply-record (list :title (plist-get chosen :title)
                                  :has_edit (if (plist-get chosen :edit) t :json-false))))
          (condition-case err
              (cl-letf (((symbol-function 'completing-read)
                         (lambda (_prompt collection &rest _)
                           (car (cl-find-if (lambda (item) (string-prefix-p prefix (car item)))
                                            collection)))))
                ;; a keyboard event, so Eglot asks through the minibuffer, not a popup menu
                (let ((last-nonmenu-event ?\r))
                  (eglot-code-actions beg end nil t)))
            (error (lw-fail "apply" (format "eglot-code-actions: %S" err))))
          (let ((changed (/= tick (buffer-chars-modified-tick))))
            (setq apply-record (append apply-record (list :changed (if changed t :json-false)
                                                          :text_after (buffer-string))))
            (if (not changed)
                (lw-fail "apply" "the buffer did not change")
              ;; 5. what Eglot's idle timer does after an edit (idle timers never fire in
              ;; batch mode): send didChange; then wait for the new diagnostics
              (lw-step "didChange")
              (eglot--signal-textDocument/didChange)
              (pcase-let ((`(,got ,waited) (lw-wait-publishes seen "diagnostics after the edit")))
                (when got (lw-flymake-settle))
                (setq apply-record
                      (append apply-record
                              (list :diagnostics_received (if got t :json-false)
                                    :diagnostics_wait_ms waited
                                    :diagnostics_lsp (plist-get (car lw-publishes) :diagnostics)
                                    :diagnostics_shown (lw-shown-diagnostics)))))))
          (lw-put :apply apply-record))))))

  (lw-step "shutdown")
  (lw-put :publishes (vconcat (reverse lw-publishes)))
  ;; orderly shutdown: `shutdown', `exit', and wait for the process
  (let ((t0 (float-time)))
    (condition-case err
        (eglot-shutdown server nil 5)
      (error (lw-fail "shutdown" (format "%S" err))))
    (lw-put :shutdown (list :ms (lw-ms t0)
                            :stopped (if (jsonrpc-running-p server) :json-false t)
                            :exit_status (process-exit-status (jsonrpc--process server)))))
  (lw-put :total_ms (lw-ms lw-t0)))

(condition-case err
    (lw-session)
  (error (lw-fail "driver" (format "%S" err))))
(condition-case err
    (lw-write-report)
  (error (message "layerwise-session.el: cannot write the report: %S" err)
         (setq lw-failed t)))
(kill-emacs (if lw-failed 1 0))
