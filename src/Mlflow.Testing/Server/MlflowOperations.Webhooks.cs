using System.Text.Json.Nodes;
using Mlflow.Testing.Store;
using G = Mlflow.Testing.Generated;

namespace Mlflow.Testing.Server;

/// <summary>Webhooks: CRUD, the test endpoint, and deliveries on registry events (see <see cref="WebhookDispatcher"/>).</summary>
internal sealed partial class MlflowOperations
{
    /// <summary>The 15 valid (entity, action) pairs, as the CRUD API spells them.</summary>
    private static readonly HashSet<(string Entity, string Action)> ValidEvents =
    [
        ("REGISTERED_MODEL", "CREATED"), ("MODEL_VERSION", "CREATED"), ("MODEL_VERSION_TAG", "SET"), ("MODEL_VERSION_TAG", "DELETED"),
        ("MODEL_VERSION_ALIAS", "CREATED"), ("MODEL_VERSION_ALIAS", "DELETED"), ("PROMPT", "CREATED"), ("PROMPT_VERSION", "CREATED"),
        ("PROMPT_TAG", "SET"), ("PROMPT_TAG", "DELETED"), ("PROMPT_VERSION_TAG", "SET"), ("PROMPT_VERSION_TAG", "DELETED"),
        ("PROMPT_ALIAS", "CREATED"), ("PROMPT_ALIAS", "DELETED"), ("BUDGET_POLICY", "EXCEEDED"),
    ];

    private readonly Dictionary<string, WebhookEntity> hooks = new(StringComparer.Ordinal);

    public G.CreateWebhookResponse CreateWebhookAsync(G.CreateWebhook body)
    {
        var name = MlflowError.Required(body.Name, "name");
        var url = ValidateUrl(MlflowError.Required(body.Url, "url"));
        if (body.Events is null || body.Events.Count == 0) throw MlflowError.MissingParameter("events");
        var events = ValidateEvents(body.Events);
        lock (gate)
        {
            var now = Now();
            var hook = new WebhookEntity
            {
                Id = Guid.NewGuid().ToString("D"),
                Name = name,
                Description = body.Description,
                Url = url,
                Events = events,
                Secret = string.IsNullOrEmpty(body.Secret) ? null : body.Secret,
                Status = body.Status?.ToString() ?? "ACTIVE",
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
            };
            hooks[hook.Id] = hook;
            return new G.CreateWebhookResponse { Webhook = ToDto(hook) };
        }
    }

    public G.ListWebhooksResponse ListWebhooksAsync(int? max_results, string? page_token)
    {
        var max = max_results ?? 100;
        if (max <= 0 || max > 1000)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be between 1 and 1000.");
        lock (gate)
        {
            var ordered = hooks.Values.OrderByDescending(h => h.CreationTimestamp).ThenBy(h => h.Id, StringComparer.Ordinal);
            var (page, next) = PageToken.Slice(ordered, page_token, max);
            return new G.ListWebhooksResponse { Webhooks = page.Select(ToDto).ToList(), Next_page_token = next };
        }
    }

    public G.GetWebhookResponse GetWebhookAsync(string webhook_id)
    {
        lock (gate) return new G.GetWebhookResponse { Webhook = ToDto(FindHook(webhook_id)) };
    }

    public G.UpdateWebhookResponse UpdateWebhookAsync(G.UpdateWebhook? body, string webhook_id)
    {
        body ??= new G.UpdateWebhook();
        lock (gate)
        {
            var hook = FindHook(webhook_id);
            if (!string.IsNullOrEmpty(body.Name)) hook.Name = body.Name;
            if (body.Description is not null) hook.Description = body.Description;
            if (!string.IsNullOrEmpty(body.Url)) hook.Url = ValidateUrl(body.Url);
            if (body.Events is { Count: > 0 }) hook.Events = ValidateEvents(body.Events);
            if (!string.IsNullOrEmpty(body.Secret)) hook.Secret = body.Secret;
            if (body.Status is { } status) hook.Status = status.ToString();
            hook.LastUpdatedTimestamp = Now();
            return new G.UpdateWebhookResponse { Webhook = ToDto(hook) };
        }
    }

    public G.DeleteWebhookResponse DeleteWebhookAsync(G.DeleteWebhook? body, string webhook_id)
    {
        lock (gate)
        {
            if (!hooks.Remove(webhook_id)) throw MlflowError.NotFound($"Webhook with ID {webhook_id} not found.");
            return new G.DeleteWebhookResponse();
        }
    }

    /// <summary>Sends the spec's example payload for the event synchronously (even to a disabled or unsubscribed webhook, as MLflow does).</summary>
    public async Task<G.TestWebhookResponse> TestWebhookAsync(G.TestWebhook? body, string webhook_id)
    {
        WebhookTarget target;
        (string Entity, string Action) wanted;
        lock (gate)
        {
            var hook = FindHook(webhook_id);
            wanted = body?.Event is { } e ? (e.Entity.ToString(), e.Action.ToString()) : hook.Events[0];
            target = new WebhookTarget(hook.Url, hook.Secret);
        }
        var entity = wanted.Entity.ToLowerInvariant();
        var action = wanted.Action.ToLowerInvariant();
        var example = WebhookExamples.For(entity, action)
            ?? throw MlflowError.InvalidParameter($"Invalid event: {entity}.{action}");
        var result = await webhooks.SendAsync(target, entity, action, example, http.HttpContext!.RequestAborted).ConfigureAwait(false);
        return new G.TestWebhookResponse
        {
            Result = new G.WebhookTestResult
            {
                Success = result.Success,
                Response_status = result.Status,
                Response_body = result.Body,
                Error_message = result.Error,
            },
        };
    }

    /// <summary>Queues deliveries of an event to every active webhook subscribed to it (called under the lock).</summary>
    private void Fire((string Entity, string Action) @event, JsonObject data)
    {
        var key = (@event.Entity.ToUpperInvariant(), @event.Action.ToUpperInvariant());
        foreach (var hook in hooks.Values.Where(h => h.Status == "ACTIVE" && h.Events.Contains(key)))
        {
            webhooks.Enqueue(new WebhookTarget(hook.Url, hook.Secret), @event.Entity, @event.Action, data.DeepClone().AsObject());
        }
    }

    private WebhookEntity FindHook(string id) =>
        hooks.TryGetValue(id, out var hook) ? hook : throw MlflowError.NotFound($"Webhook with ID {id} not found.");

    private static string ValidateUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw MlflowError.InvalidParameter($"Invalid webhook URL: '{url}'.");
        if (uri.Scheme is not ("http" or "https"))
            throw MlflowError.InvalidParameter($"Invalid webhook URL scheme: '{uri.Scheme}'. Allowed schemes are: http, https.");
        return url;
    }

    private static List<(string Entity, string Action)> ValidateEvents(IEnumerable<G.WebhookEventEntry> events)
    {
        var list = new List<(string, string)>();
        foreach (var e in events)
        {
            var pair = (e.Entity.ToString(), e.Action.ToString());
            if (!ValidEvents.Contains(pair))
                throw MlflowError.InvalidParameter($"Invalid webhook event: {pair.Item1.ToLowerInvariant()}.{pair.Item2.ToLowerInvariant()}.");
            if (!list.Contains(pair)) list.Add(pair);
        }
        return list;
    }

    private static G.Webhook ToDto(WebhookEntity h) => new()
    {
        Webhook_id = h.Id,
        Name = h.Name,
        Description = h.Description,
        Url = h.Url,
        Events = h.Events
            .OrderBy(e => e.Entity, StringComparer.Ordinal).ThenBy(e => e.Action, StringComparer.Ordinal)
            .Select(e => new G.WebhookEventEntry { Entity = Enum.Parse<G.WebhookEntity>(e.Entity), Action = Enum.Parse<G.WebhookAction>(e.Action) })
            .ToList(),
        Status = Enum.Parse<G.WebhookStatus>(h.Status),
        Creation_timestamp = h.CreationTimestamp,
        Last_updated_timestamp = h.LastUpdatedTimestamp,
    };

    // ---------------------------------------------------------------- server

    public G.ServerInfo GetServerInfoAsync() => new() { Store_type = "InMemory", Workspaces_enabled = false };

    /// <summary>The liveness probe: the text <c>OK</c>, typed <c>text/html</c> as Flask does.</summary>
    public Microsoft.AspNetCore.Mvc.ActionResult HealthAsync() => new Microsoft.AspNetCore.Mvc.ContentResult { Content = "OK", ContentType = "text/html; charset=utf-8" };

    /// <summary>The MLflow version this server imitates.</summary>
    public Microsoft.AspNetCore.Mvc.ActionResult GetServerVersionAsync() => new Microsoft.AspNetCore.Mvc.ContentResult { Content = MlflowVersion, ContentType = "text/html; charset=utf-8" };

    /// <summary>The MLflow release whose REST contract the spec (and so this server) describes.</summary>
    internal const string MlflowVersion = "3.11.2";
}
