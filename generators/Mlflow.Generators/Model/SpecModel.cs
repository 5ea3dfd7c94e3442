using System;
using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    /// <summary>What a C# value of a schema is.</summary>
    internal enum TypeKind
    {
        String,
        Int32,
        Int64,
        Double,
        Boolean,
        Bytes,
        DateTime,
        Untyped,
        Model,
        Enum,
        Array,
        Map,
        Stream,
    }

    /// <summary>A resolved type: a primitive, a named model or enum, or an array / map of another type.</summary>
    internal sealed record TypeRef(TypeKind Kind, string? Name = null, TypeRef? Element = null)
    {
        public static readonly TypeRef String = new TypeRef(TypeKind.String);
        public static readonly TypeRef Untyped = new TypeRef(TypeKind.Untyped);
        public static readonly TypeRef Stream = new TypeRef(TypeKind.Stream);
    }

    /// <summary>One property of a model.</summary>
    internal sealed record PropertyModel(string JsonName, string CsName, TypeRef Type, string? Description, bool Deprecated);

    /// <summary>A class implementing IParsable and IAdditionalDataHolder.</summary>
    internal sealed record ModelClass(string Name, string? Description, bool IsError, EquatableArray<PropertyModel> Properties);

    /// <summary>One member of a string enum: its wire name and its C# name.</summary>
    internal sealed record EnumMemberModel(string WireName, string CsName);

    /// <summary>A string enum.</summary>
    internal sealed record EnumModel(string Name, string? Description, EquatableArray<EnumMemberModel> Members);

    /// <summary>How an operation sends its body.</summary>
    internal enum BodyKind
    {
        None,
        Json,
        JsonCollection,
        Binary,
    }

    /// <summary>How an operation's success answer is read.</summary>
    internal enum ResponseKind
    {
        None,
        Json,
        JsonCollection,
        JsonPrimitive,
        Text,
        Stream,
    }

    /// <summary>A query parameter of an operation.</summary>
    internal sealed record QueryParameterModel(string WireName, string TemplateName, string CsName, TypeRef Type, string? Description, bool Required);

    /// <summary>An error mapping entry: the status key Kiota uses ("404", "4XX", "XXX") and the error model.</summary>
    internal sealed record ErrorMappingModel(string StatusKey, string ModelName);

    /// <summary>One HTTP operation of a path.</summary>
    internal sealed record OperationModel(
        string Method,
        string OperationId,
        string PathTemplate,
        string? Summary,
        string? Description,
        bool Deprecated,
        string? Since,
        EquatableArray<QueryParameterModel> QueryParameters,
        BodyKind BodyKind,
        TypeRef? BodyType,
        string? BodyContentType,
        bool BodyRequired,
        ResponseKind ResponseKind,
        TypeRef? ResponseType,
        string? Accept,
        EquatableArray<ErrorMappingModel> Errors);

    /// <summary>How a request builder is reached from its parent.</summary>
    internal enum NavigationKind
    {
        Property,
        Indexer,
        Method,
    }

    /// <summary>A link from a builder to a child builder.</summary>
    internal sealed record NavigationModel(
        NavigationKind Kind,
        string MemberName,
        string TargetClass,
        EquatableArray<string> ParameterNames,
        EquatableArray<string> ParameterCsNames,
        string? Description);

    /// <summary>A request builder: one per path (plus intermediate segments).</summary>
    internal sealed record RequestBuilderModel(
        string ClassName,
        string PathTemplate,
        string UrlTemplate,
        EquatableArray<NavigationModel> Children,
        EquatableArray<OperationModel> Operations);

    /// <summary>A problem in the spec, carried as plain values through the pipeline.</summary>
    internal sealed record DiagnosticInfo(string Id, string FilePath, string Pointer, string Message, int Line, int Column);

    /// <summary>The whole parsed spec, value-equatable.</summary>
    internal sealed record SpecModel(
        string FilePath,
        string Title,
        string? DefaultServerUrl,
        EquatableArray<ModelClass> Models,
        EquatableArray<EnumModel> Enums,
        EquatableArray<RequestBuilderModel> Builders,
        RequestBuilderModel Root,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        public bool HasErrors => Diagnostics.Count > 0;
    }

    /// <summary>Generation settings read from MSBuild properties.</summary>
    internal sealed record GeneratorOptions(string Namespace, string ClientName);

    /// <summary>One source file to add.</summary>
    internal sealed record GeneratedFile(string HintName, string Text) : IEquatable<GeneratedFile>;
}
