// The booking widget (/book/{nick}) and the self-service link page (/manage/{token}): plain DOM, no framework.
// The server puts the settings (API base, language table, page parameters) in #widget-settings.
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("widget-settings").textContent);
  var T = settings.text;
  var app = document.getElementById("app");
  var statusLine = document.getElementById("status");
  var visitorZone = (Intl.DateTimeFormat().resolvedOptions().timeZone) || "UTC";
  var lang = document.documentElement.lang || "en";

  // ---- small helpers ----------------------------------------------------------------------------

  function t(key) {
    var args = arguments;
    return (T[key] || key).replace(/\{(\d)\}/g, function (_, i) { return args[Number(i) + 1]; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === "text") { node.textContent = value; }
      else if (name.indexOf("on") === 0) { node.addEventListener(name.substring(2), value); }
      else { node.setAttribute(name, value === true ? "" : String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }

  function say(text, isError) {
    statusLine.textContent = text || "";
    statusLine.className = isError ? "status error" : "status";
  }

  // One screen: a heading that takes the focus (screen readers hear the new step), its content and a back button.
  function screen(title, children, back) {
    app.textContent = "";
    var heading = el("h2", { tabindex: "-1", text: title });
    app.appendChild(heading);
    children.forEach(function (child) { if (child) { app.appendChild(child); } });
    if (back) {
      app.appendChild(el("p", {}, [el("button", { type: "button", "class": "secondary", onclick: function () { say(""); back(); }, text: t("back") })]));
    }
    heading.focus();
  }

  function choiceList(items, label, onPick) {
    var list = el("ul", { "class": "choices", "aria-label": label });
    items.forEach(function (item) {
      var content = [];
      if (item.photo) { content.push(el("img", { src: item.photo, alt: "", width: "48", height: "48" })); }
      content.push(el("span", { "class": "choice-name", text: item.name }));
      if (item.detail) { content.push(el("span", { "class": "choice-detail", text: item.detail })); }
      list.appendChild(el("li", {}, [el("button", { type: "button", "class": "choice", onclick: function () { onPick(item); } }, content)]));
    });
    return list;
  }

  function api(method, path, query, body, headers) {
    var url = settings.api + path;
    var params = new URLSearchParams();
    Object.keys(query || {}).forEach(function (key) { if (query[key] !== null && query[key] !== undefined && query[key] !== "") { params.set(key, query[key]); } });
    if (params.toString()) { url += "?" + params.toString(); }
    var init = { method: method, headers: Object.assign({ "Accept": "application/json" }, headers || {}) };
    if (body) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { http: response.status, code: json.statusCode, data: json.data, message: json.statusDescription || json.statusDescriptions || "" };
      });
    }, function () { return { http: 0, code: -1, data: null, message: "" }; });
  }

  function failure(answer) {
    if (answer.http === 429) { return t("too_many"); }
    if (answer.code === 1 && answer.message) { return answer.message; }
    if ((answer.code === 8 || answer.code === 7) && answer.message) { return answer.message; }
    return t("error");
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + "-" + String(Math.random()).substring(2);
  }

  // ---- dates and zones --------------------------------------------------------------------------

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function isoDate(date) { return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" + pad(date.getUTCDate()); }

  function addDays(iso, days) {
    var parts = iso.split("-").map(Number);
    return isoDate(new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + days)));
  }

  function todayIn(zone) {
    var parts = partsIn(zone, new Date());
    return parts.year + "-" + pad(parts.month) + "-" + pad(parts.day);
  }

  function partsIn(zone, date) {
    var out = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
      .formatToParts(date).forEach(function (p) { if (p.type !== "literal") { out[p.type] = Number(p.value); } });
    return out;
  }

  // The instant of a local "yyyy-MM-dd" + "HH:mm" in a zone (two passes settle the zone's offset).
  function instantOf(iso, time, zone) {
    var d = iso.split("-").map(Number);
    var h = time.split(":").map(Number);
    var wanted = Date.UTC(d[0], d[1] - 1, d[2], h[0], h[1]);
    var guess = wanted;
    for (var i = 0; i < 2; i++) {
      var p = partsIn(zone, new Date(guess));
      guess += wanted - Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    }
    return new Date(guess);
  }

  function dayLabel(iso) {
    var d = iso.split("-").map(Number);
    return new Intl.DateTimeFormat(lang, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" })
      .format(new Date(Date.UTC(d[0], d[1] - 1, d[2], 12)));
  }

  function whenIn(zone, date) {
    return new Intl.DateTimeFormat(lang, { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(date);
  }

  // ---- the time picker (booking and rescheduling) -----------------------------------------------

  // opts: path (availability route), query (fixed fields), zone (shown), locationZone, week (bool), title, onPick(iso, "HH:mm"), back
  function showTimes(opts, date, firstAvailable) {
    var step = opts.week ? 7 : 1;
    var query = Object.assign({}, opts.query, { start_date: date, t: opts.week ? "weekly" : "daily", tz: opts.zone, first_available: firstAvailable ? 1 : null });
    screen(opts.title, [el("p", { text: t("loading") })], opts.back);
    api("GET", opts.path, query).then(function (answer) {
      if (answer.code !== 0) { say(failure(answer), true); return; }
      var data = answer.data;
      var shownDate = firstAvailable ? data.year + "-" + pad(data.month) + "-" + pad(data.day) : date;
      var children = [];
      if (opts.zone !== opts.locationZone && !opts.hideZoneAlert) {
        children.push(el("p", { "class": "note", text: t("times_in_zone", opts.zone) }));
      }
      var dateInput = el("input", { id: "date", type: "date", value: shownDate, min: todayIn(opts.zone) });
      dateInput.addEventListener("change", function () { if (dateInput.value) { showTimes(opts, dateInput.value, false); } });
      children.push(el("div", { "class": "date-nav" }, [
        el("button", { type: "button", "class": "secondary", onclick: function () { showTimes(opts, addDays(shownDate, -step), false); }, text: "‹ " + t(opts.week ? "previous_week" : "previous_day") }),
        el("span", { "class": "date-pick" }, [el("label", { "for": "date", text: t("date") }), dateInput]),
        el("button", { type: "button", "class": "secondary", onclick: function () { showTimes(opts, addDays(shownDate, step), false); }, text: t(opts.week ? "next_week" : "next_day") + " ›" }),
      ]));
      var days = Object.keys(data.times || {}).sort();
      var any = false;
      days.forEach(function (day) {
        var times = data.times[day];
        if (!times.length) { return; }
        any = true;
        var list = el("ul", { "class": "times", "aria-label": dayLabel(day) });
        times.forEach(function (time) {
          var hm = time.substring(0, 5);
          list.appendChild(el("li", {}, [el("button", { type: "button", "class": "time", "aria-label": dayLabel(day) + " " + hm, onclick: function () { opts.onPick(day, hm); }, text: hm })]));
        });
        children.push(el("h3", { text: dayLabel(day) }));
        children.push(list);
      });
      if (!any) { children.push(el("p", { text: t(opts.week ? "no_times_week" : "no_times") })); }
      screen(opts.title, children, opts.back);
    });
  }

  // ---- booking ----------------------------------------------------------------------------------

  function book() {
    var query = settings.query || {};
    var state = {};
    api("GET", "/catalog").then(function (answer) {
      if (answer.code !== 0) { say(failure(answer), true); app.textContent = ""; return; }
      state.catalog = answer.data;
      chooseLocation();
    });

    function options() { return state.catalog.options; }
    function byId(list, id) { return list.filter(function (x) { return String(x.id) === String(id); })[0]; }
    function displayZone() { return options().show_in_host_or_client_time ? state.location.timezone : visitorZone; }

    function chooseLocation() {
      var locations = state.catalog.locations;
      var preset = byId(locations, query.defaultLocation);
      if (preset || (locations.length === 1 && options().select_single_location)) {
        state.location = preset || locations[0];
        state.skippedLocation = true;
        chooseService();
        return;
      }
      state.skippedLocation = false;
      screen(t("step_location"), [choiceList(locations.map(function (l) { return { id: l.id, name: l.name, detail: l.address, value: l }; }), t("step_location"), function (item) {
        state.location = item.value;
        chooseService();
      })], null);
    }

    function offeredServices() {
      var ids = {};
      state.location.offers.forEach(function (o) { o.service_ids.forEach(function (id) { ids[id] = true; }); });
      return state.catalog.services.filter(function (s) { return ids[s.id] && !s.is_subservice; });
    }

    function chooseService() {
      var services = offeredServices();
      var preset = byId(services, query.defaultService);
      var back = state.skippedLocation ? null : chooseLocation;
      if (preset || (services.length === 1 && options().select_single_service)) {
        state.service = preset || services[0];
        state.skippedService = true;
        chooseAddons(back);
        return;
      }
      state.skippedService = false;
      screen(t("step_service"), [choiceList(services.map(function (s) {
        return { id: s.id, name: s.name, detail: s.duration + " " + t("minutes") + (s.price > 0 ? " · " + s.price + " " + options().currency : "") + (s.description ? " · " + s.description : ""), photo: s.photo, value: s };
      }), t("step_service"), function (item) { state.service = item.value; chooseAddons(chooseService); })], back);
    }

    function chooseAddons(back) {
      state.addons = [];
      var addons = state.service.subservices.map(function (id) { return byId(state.catalog.services, id); }).filter(Boolean);
      if (!addons.length) { chooseProvider(back); return; }
      var form = el("form", { "class": "stack" });
      addons.forEach(function (addon) {
        var id = "addon-" + addon.id;
        form.appendChild(el("div", { "class": "check" }, [
          el("input", { type: "checkbox", id: id, value: String(addon.id) }),
          el("label", { "for": id, text: addon.name + " (+" + addon.duration + " " + t("minutes") + ")" }),
        ]));
      });
      form.appendChild(el("button", { type: "submit", text: t("continue") }));
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        state.addons = Array.prototype.slice.call(form.querySelectorAll("input:checked")).map(function (i) { return i.value; });
        if (state.service.require_addon && !state.addons.length) { say(t("step_addons") + ": " + t("required"), true); return; }
        say("");
        chooseProvider(function () { chooseAddons(back); });
      });
      screen(t("step_addons"), [form], back);
    }

    function chooseProvider(back) {
      var ids = state.location.offers.filter(function (o) { return o.service_ids.indexOf(state.service.id) >= 0; }).map(function (o) { return o.provider_id; });
      var providers = ids.map(function (id) { return byId(state.catalog.providers, id); }).filter(Boolean);
      var preset = byId(providers, query.defaultProvider);
      if (preset || providers.length === 1) {
        state.provider = preset || providers[0];
        chooseTime(back);
        return;
      }
      var items = providers.map(function (p) { return { id: p.id, name: p.name, detail: p.job, photo: options().show_staff_photo ? p.photo : null, value: p }; });
      if (options().any_available_provider) { items.unshift({ id: 0, name: t("any_provider"), value: null }); }
      screen(t("step_provider"), [choiceList(items, t("step_provider"), function (item) {
        state.provider = item.value;
        chooseTime(function () { chooseProvider(back); });
      })], back);
    }

    function chooseTime(back, notice) {
      state.key = null;
      var zone = displayZone();
      showTimes({
        path: "/availability",
        query: { service_id: state.service.id, location_id: state.location.id, provider_id: state.provider ? state.provider.id : null, subservices: state.addons.join(",") },
        zone: zone,
        locationZone: state.location.timezone,
        hideZoneAlert: options().hide_timezone_alert,
        week: options().default_calendar_view === "w",
        title: t("step_time"),
        back: back,
        onPick: function (day, time) { state.day = day; state.time = time; say(""); details(function () { chooseTime(back); }); },
      }, state.day || todayIn(zone), !state.day);
      if (notice) { say(notice, true); }
      state.timeBack = back;
    }

    function summaryList(instant) {
      var zone = displayZone();
      var rows = [
        [t("service"), state.service.name],
        [t("location"), state.location.name],
        [t("provider"), state.provider ? state.provider.name : t("any_provider")],
        [t("when"), whenIn(zone, instant) + " (" + zone + ")"],
      ];
      var list = el("dl", { "class": "summary" });
      rows.forEach(function (row) { list.appendChild(el("dt", { text: row[0] })); list.appendChild(el("dd", { text: row[1] })); });
      var children = [list];
      if (zone !== state.location.timezone && !options().hide_timezone_alert) {
        children.push(el("p", { "class": "note", text: t("location_zone_note", state.location.timezone, whenIn(state.location.timezone, instant)) }));
      }
      return children;
    }

    function field(id, label, input, required) {
      return el("div", { "class": "field" }, [el("label", { "for": id }, [label, required ? el("span", { "class": "required", text: " (" + t("required") + ")" }) : null]), input]);
    }

    function details(back) {
      var zone = displayZone();
      var instant = instantOf(state.day, state.time, zone);
      state.key = state.key || newKey();
      var form = el("form", { "class": "stack", novalidate: false });
      form.appendChild(field("client_name", t("name"), el("input", { id: "client_name", name: "client_name", required: true, maxlength: "128", autocomplete: "name" }), true));
      form.appendChild(field("client_email", t("email"), el("input", { id: "client_email", name: "client_email", type: "email", required: true, maxlength: "254", autocomplete: "email" }), true));
      form.appendChild(field("client_phone", t("phone"), el("input", { id: "client_phone", name: "client_phone", type: "tel", maxlength: "32", autocomplete: "tel" }), false));
      var custom = state.catalog.custom_fields.map(function (f) { return customField(form, f); }).filter(Boolean);
      var submit = el("button", { type: "submit", text: t("book") });
      form.appendChild(submit);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        if (submit.disabled) { return; }
        if (!form.reportValidity()) { return; }
        var answers = {};
        custom.forEach(function (c) { var value = c.read(); if (value !== null) { answers[c.field.id] = [value, c.field.label]; } });
        var body = {
          service_id: state.service.id,
          location_id: state.location.id,
          employee_id: state.provider ? state.provider.id : 0,
          subservices: state.addons.join(","),
          start_date: state.day + " " + state.time,
          tz: zone,
          client_name: form.client_name.value.trim(),
          client_email: form.client_email.value.trim(),
          client_phone: form.client_phone.value.trim(),
          custom_fields: answers,
        };
        submit.disabled = true;
        submit.textContent = t("booking");
        say(t("booking"));
        send(body, 0);

        function send(payload, attempt) {
          api("POST", "/book", null, payload, { "Idempotency-Key": state.key }).then(function (answer) {
            if (answer.code === 0) { say(""); confirmation(answer.data, instant); return; }
            // The same key still running (a double submit): its answer is replayed once it is done.
            if (answer.code === 5 && attempt < 10) { setTimeout(function () { send(payload, attempt + 1); }, 300); return; }
            submit.disabled = false;
            submit.textContent = t("book");
            if (answer.code === 9 || answer.code === 10) { state.key = null; chooseTime(state.timeBack, t("slot_taken")); return; }
            say(failure(answer), true);
          });
        }
      });
      screen(t("step_details"), summaryList(instant).concat([form]), back);
    }

    // One custom field of the booking form: its input(s) in the form, and how to read its answer.
    function customField(form, f) {
      var id = "cf-" + f.id;
      var max = f.length > 0 ? String(f.length) : null;
      if (f.type === 6) { form.appendChild(el("h3", { text: f.label })); return null; }
      if (f.type === 5) {
        var parts = ["address", "apt", "city", "state", "zip"].map(function (name, i) {
          var input = el("input", { id: id + "-" + i, required: f.required && i !== 1, maxlength: max, "aria-label": f.label + " " + name });
          return input;
        });
        form.appendChild(el("fieldset", {}, [el("legend", { text: f.label })].concat(parts)));
        return { field: f, read: function () { var v = parts.map(function (p) { return p.value.trim(); }); return v.join("") ? v : null; } };
      }
      var input;
      if (f.type === 7) {
        input = el("select", { id: id, required: f.required, multiple: f.multiselect });
        if (!f.multiselect) { input.appendChild(el("option", { value: "", text: t("select") })); }
        f.options.forEach(function (o) { input.appendChild(el("option", { value: o, text: o })); });
      } else if (f.type === 1) {
        input = el("textarea", { id: id, required: f.required, maxlength: max, rows: "3" });
      } else {
        input = el("input", { id: id, type: f.type === 2 ? "tel" : f.type === 3 ? "email" : "text", required: f.required, maxlength: max });
      }
      form.appendChild(field(id, f.label, input, f.required));
      return {
        field: f,
        read: function () {
          if (f.type === 7 && f.multiselect) {
            var chosen = Array.prototype.slice.call(input.selectedOptions).map(function (o) { return o.value; });
            return chosen.length ? chosen : null;
          }
          var value = input.value.trim();
          return value ? value : null;
        },
      };
    }

    function confirmation(data, instant) {
      var appointment = data.appointment;
      state.provider = state.provider || { name: appointment.provider };
      var children = summaryList(new Date(appointment.start_utc || instant));
      if (data.widget_message) { children.push(el("p", { "class": "message", text: data.widget_message })); }
      children.push(el("p", { text: appointment.status === 0 ? t("booked_unverified") : t("booked_email") }));
      var actions = el("p", { "class": "actions" });
      if (options().book_another_appointment) {
        actions.appendChild(el("button", { type: "button", onclick: function () { state.day = null; state.provider = null; chooseLocation(); }, text: t("book_another") }));
      }
      var returnUrl = query.returnUrl || data.return_url;
      if (returnUrl && /^https?:\/\//i.test(returnUrl)) {
        actions.appendChild(el("a", { href: returnUrl, target: "_top", "class": "button", text: t("done") }));
      }
      children.push(actions);
      screen(t("booked_title"), children, null);
    }
  }

  // ---- self-service links -----------------------------------------------------------------------

  function manage() {
    api("GET", "/").then(function (answer) {
      if (answer.code !== 0) { app.textContent = ""; say(answer.http === 404 ? t("invalid_link") : failure(answer), true); return; }
      show(answer.data);
    });

    function details(appointment) {
      var zone = visitorZone;
      var instant = new Date(appointment.start_utc);
      var list = el("dl", { "class": "summary" });
      [[t("service"), appointment.service], [t("location"), appointment.location], [t("provider"), appointment.provider],
        [t("when"), whenIn(appointment.timezone, instant) + " (" + appointment.timezone + ")"]].forEach(function (row) {
        list.appendChild(el("dt", { text: row[0] }));
        list.appendChild(el("dd", { text: row[1] }));
      });
      var children = [list];
      if (zone !== appointment.timezone) { children.push(el("p", { "class": "note", text: t("your_time", zone, whenIn(zone, instant)) })); }
      return children;
    }

    function show(data) {
      var appointment = data.appointment;
      var children = details(appointment);
      if (appointment.status === 3) {
        children.push(el("p", { "class": "done", text: t("canceled") }));
      } else if (!data.allowed) {
        children.push(el("h3", { text: t("not_allowed") }));
        children.push(el("p", { text: data.reason }));
      } else if (data.action === "cancel") {
        children.push(el("button", { type: "button", "class": "danger", onclick: function (e) { act(e.target, "/cancel", {}, "canceled"); }, text: t("cancel") }));
      } else if (data.action === "confirm") {
        children.push(appointment.status === 0
          ? el("button", { type: "button", onclick: function (e) { act(e.target, "/confirm", {}, "confirmed"); }, text: t("confirm") })
          : el("p", { "class": "done", text: t("confirmed") }));
      } else if (data.action === "reschedule") {
        children.push(el("button", { type: "button", onclick: function () { reschedule(data); }, text: t("reschedule") }));
      }
      screen(t("manage_title"), children, null);
    }

    function act(button, path, body, done) {
      button.disabled = true;
      var key = newKey();
      api("POST", path, null, Object.assign({ tz: visitorZone }, body), { "Idempotency-Key": key }).then(function (answer) {
        if (answer.code !== 0) {
          button.disabled = false;
          say(answer.code === 9 || answer.code === 10 ? t("slot_taken") : failure(answer), true);
          return;
        }
        say(t(done));
        var children = details(answer.data.appointment);
        children.push(el("p", { "class": "done", text: t(done) }));
        screen(t("manage_title"), children, null);
      });
    }

    function reschedule(data) {
      var appointment = data.appointment;
      showTimes({
        path: "/availability",
        query: {},
        zone: visitorZone,
        locationZone: appointment.timezone,
        hideZoneAlert: false,
        week: false,
        title: t("new_time"),
        back: function () { show(data); },
        onPick: function (day, time) {
          var button = el("button", { type: "button", text: t("reschedule") + " · " + whenIn(visitorZone, instantOf(day, time, visitorZone)) });
          button.addEventListener("click", function () { act(button, "/reschedule", { start_date: day + " " + time }, "rescheduled"); });
          screen(t("new_time"), details(appointment).concat([button]), function () { reschedule(data); });
        },
      }, appointment.start_date.substring(0, 10), false);
    }
  }

  if (settings.mode === "manage") { manage(); } else { book(); }
})();
