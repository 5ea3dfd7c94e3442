using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // What the Kiota emitters write, derived from a SpecDocument by Planning/KiotaPlanner. Value-equatable, so
    // that each emitted file is regenerated only when its own plan changes.

    /// <summary>The C# shape of a value in a generated model or request builder.</summary>
    internal enum UseKind
    {
        String,
        Int32,
        Int64,
        Double,
        Boolean,
        Bytes,
        DateTime,
        /// <summary>Any JSON: <c>Microsoft.Kiota.Abstractions.Serialization.UntypedNode</c>.</summary>
        Any,
        Model,
        Enum,
        Array,
        Map,
        Stream,
    }

    /// <summary>
    /// A resolved type. <see cref="Schema"/> names the component schema of a model or enum (a reference, not C#: the
    /// emitters render it in <see cref="GeneratedNamespaces.Models"/>); <see cref="Item"/> is a list's or map's element.
    /// </summary>
    internal sealed record TypeUse(UseKind Kind, string? Schema = null, TypeUse? Item = null);

    /// <summary>Whether a model property can be absent, and what reading it gives then.</summary>
    internal enum Presence
    {
        /// <summary>May be absent: a nullable property (<c>null</c> when absent).</summary>
        Optional,
        /// <summary>
        /// Required by the schema or always written by MLflow (<c>x-mlflow-always-written</c>): a non-nullable
        /// property; when absent, strings and messages raise a clear error naming the type and field, numbers,
        /// booleans and enums give the proto default.
        /// </summary>
        Required,
        /// <summary>A list or map: non-nullable, empty when absent (proto's repeated and map fields).</summary>
        Collection,
    }

    /// <summary>A property of a generated model.</summary>
    /// <param name="AlwaysWritten">Required because MLflow always writes it in answers (rather than because requests must carry it).</param>
    internal sealed record PropertyPlan(string WireName, string CsName, TypeUse Type, string? Description, bool Deprecated, Presence Presence = Presence.Optional, bool AlwaysWritten = false)
    {
        /// <summary>The member that holds the value: the property itself for optional ones, else its backing field.</summary>
        public string Storage => Presence == Presence.Optional ? CsName : "Mlflow_" + CsName;
    }

    /// <summary>A model class (IParsable + IAdditionalDataHolder) in <see cref="GeneratedNamespaces.Models"/>; error models also derive from ApiException.</summary>
    /// <param name="ClassName">The class name, which is the schema's name.</param>
    internal sealed record ModelPlan(string ClassName, string? Description, bool Deprecated, bool IsError, EquatableArray<PropertyPlan> Properties);

    /// <summary>An enum member: wire name and C# name.</summary>
    internal sealed record EnumMemberPlan(string WireName, string CsName);

    /// <summary>A generated enum in <see cref="GeneratedNamespaces.Models"/>; <paramref name="Name"/> is the schema's name.</summary>
    internal sealed record EnumPlan(string Name, string? Description, EquatableArray<EnumMemberPlan> Members);

    /// <summary>How a builder reaches a child builder.</summary>
    internal enum NavigationKind
    {
        /// <summary>A property (<c>client.Api</c>).</summary>
        Property,
        /// <summary>An indexer taking a path parameter (<c>webhooks["id"]</c>).</summary>
        Indexer,
        /// <summary>A <c>With…</c> method taking a path parameter (segments mixing a parameter and text).</summary>
        Method,
    }

    /// <summary>A request builder class chosen by the planner (rendered by the emitters).</summary>
    internal sealed record BuilderRef(string Namespace, string ClassName);

    /// <summary>A link from a builder to a child builder.</summary>
    internal sealed record NavigationPlan(NavigationKind Kind, string MemberName, BuilderRef Target, string? TemplateVariable, string? ParameterName, string Description);

    /// <summary>A query parameter of an operation.</summary>
    internal sealed record QueryParameterPlan(string WireName, string TemplateName, string CsName, TypeUse Type, bool Explode, string? Description, bool Deprecated);

    /// <summary>A path parameter of an operation: its spec name and the URI template variable of its builder.</summary>
    internal sealed record PathParameterPlan(string SpecName, string TemplateVariable);

    /// <summary>How a request body is sent.</summary>
    internal enum BodyKind
    {
        Json,
        Stream,
    }

    /// <summary>A request body.</summary>
    internal sealed record BodyPlan(BodyKind Kind, string ContentType, TypeUse Type, bool Required);

    /// <summary>How a success response is read.</summary>
    internal enum ResponseKind
    {
        None,
        Model,
        Collection,
        Untyped,
        Stream,
    }

    /// <summary>The success response of an operation.</summary>
    internal sealed record ResponsePlan(ResponseKind Kind, TypeUse? Type, string? Accept);

    /// <summary>An error mapping entry: Kiota's status key ("404", "4XX", "XXX") and the error model's schema.</summary>
    internal sealed record ErrorPlan(string StatusKey, string ModelSchema);

    /// <summary>One operation of a request builder.</summary>
    internal sealed record OperationPlan(
        string OperationId,
        string HttpMethod,
        string MethodName,
        string PathTemplate,
        string? Tag,
        string? Summary,
        string? Description,
        bool Deprecated,
        EquatableArray<QueryParameterPlan> Query,
        EquatableArray<PathParameterPlan> PathParameters,
        BodyPlan? Body,
        ResponsePlan Response,
        EquatableArray<ErrorPlan> Errors,
        string? Since = null);

    /// <summary>A request builder (one per path segment) or the root client.</summary>
    internal sealed record BuilderPlan(
        string Namespace,
        string ClassName,
        string UrlTemplate,
        string PathDisplay,
        bool IsRoot,
        EquatableArray<NavigationPlan> Children,
        EquatableArray<OperationPlan> Operations)
    {
        public BuilderRef Ref => new BuilderRef(Namespace, ClassName);
    }

    /// <summary>Root client settings.</summary>
    /// <param name="WireNotes">The spec's wire conventions (<c>x-mlflow-wire</c>), written into the root client's remarks.</param>
    internal sealed record RootPlan(BuilderPlan Builder, string? DefaultBaseUrl, string Title, EquatableArray<WireNote> WireNotes = default);

    /// <summary>Everything the Kiota emitters write.</summary>
    internal sealed record ClientPlan(
        RootPlan Root,
        EquatableArray<ModelPlan> Models,
        EquatableArray<EnumPlan> Enums,
        EquatableArray<BuilderPlan> Builders,
        EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>One entry of the operation catalog: the builder that owns the operation and the operation itself.</summary>
    internal sealed record CatalogEntryPlan(BuilderRef Builder, OperationPlan Operation);
}
