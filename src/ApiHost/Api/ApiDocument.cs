using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scheduling.Contracts.Records;

namespace Scheduling.ApiHost.Api;

/// <summary>Endpoint metadata: the record whose fields an endpoint accepts (for the OpenAPI document).</summary>
public sealed record ApiFieldsMetadata(RecordSchema Schema);

/// <summary>
/// GET /openapi/v2.json: every endpoint of the host, described from its route and metadata. Handlers bind
/// through <see cref="ApiCall"/>/<see cref="ApiRequest"/> (any of the three request forms), so fields come
/// from the record schema an endpoint declares with <see cref="AcceptsFields{TBuilder}"/>; every response is
/// the envelope, and authenticated endpoints take the session token.
/// </summary>
public static class ApiDocument
{
    public const string DocumentName = "v2";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Scheduling Cluster API (Setster Scheduling API v2)",
                    Version = "2.0",
                    Description = "Every response is the envelope {statusCode, statusDescriptions, data}; errors also carry statusDescription. "
                        + "Fields may be sent in the query string, as JSON (bare or as {\"data\": ...}) or as a form whose data field holds JSON.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["session"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "The session_token from POST /api/v2/account/authenticate, as a Bearer token or a session_token field.",
                    },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var authenticated = context.Description.ParameterDescriptions.Any(p => p.Type == typeof(ApiCall))
                    || metadata.OfType<System.Reflection.MethodInfo>().Any(m => m.GetParameters().Any(p => p.ParameterType == typeof(ApiCall)));

                // The binder types are not fields of the request: drop them from the description.
                operation.Parameters = operation.Parameters?
                    .Where(p => p.Name is not ("call" or "request" or "context"))
                    .ToList();
                if (authenticated)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("session", context.Document)] = [] }];
                }

                if (metadata.OfType<ApiFieldsMetadata>().LastOrDefault() is { } fields)
                {
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Description = $"The {fields.Schema.Name} fields (any request form).",
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = SchemaOf(fields.Schema) },
                        },
                    };
                }

                operation.Responses ??= new OpenApiResponses();
                operation.Responses["200"] = new OpenApiResponse { Description = "The envelope with statusCode 0 and the data." };
                operation.Responses["400"] = new OpenApiResponse { Description = "statusCode 1: a field is missing or malformed; the description names it." };
                if (authenticated)
                {
                    operation.Responses["403"] = new OpenApiResponse { Description = "statusCode 8: no valid session (or 11: a licence limit)." };
                    operation.Responses["404"] = new OpenApiResponse { Description = "statusCode 7: no such record in the caller's account." };
                    operation.Responses["429"] = new OpenApiResponse { Description = "statusCode 8: rate limited; see Retry-After." };
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>Declares the record whose fields the endpoint accepts.</summary>
    public static TBuilder AcceptsFields<TBuilder>(this TBuilder builder, RecordSchema schema)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiFieldsMetadata(schema));

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return endpoints;
    }

    private static OpenApiSchema SchemaOf(RecordSchema schema)
    {
        var result = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string>(schema.Fields.Where(f => f.Required && !f.ReadOnly).Select(f => f.Name)),
        };
        foreach (var field in schema.Fields.Where(f => !f.ReadOnly))
        {
            var property = new OpenApiSchema
            {
                Type = field.Kind switch
                {
                    FieldKind.Int or FieldKind.Long or FieldKind.Flag => JsonSchemaType.Integer,
                    FieldKind.Decimal => JsonSchemaType.Number,
                    FieldKind.Bool => JsonSchemaType.Boolean,
                    FieldKind.Json => JsonSchemaType.Object | JsonSchemaType.Array,
                    _ => JsonSchemaType.String,
                },
                Format = field.Kind == FieldKind.Email ? "email" : field.Kind == FieldKind.Long ? "int64" : null,
                MaxLength = field.Kind is FieldKind.Text or FieldKind.Email ? field.MaxLength : null,
                Minimum = field.Min?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Maximum = field.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Default = field.Default is { } value ? JsonNode.Parse(value.GetRawText()) : null,
            };
            if (!field.AllowedValues.IsDefaultOrEmpty)
            {
                property.Enum = [.. field.AllowedValues.Select(v => (JsonNode)JsonValue.Create(v))];
            }

            result.Properties[field.Name] = property;
        }

        return result;
    }
}
