// GraphQL Code Generator: TypeScript types for the schema and for every example operation,
// as a frontend team would generate them. Custom scalars are named so they are not `any`.
export default {
  overwrite: true,
  schema: "../../schema.graphql",
  documents: "../operations/*.graphql",
  generates: {
    "generated/graphql.ts": {
      plugins: ["typescript-operations"],
      config: {
        strictScalars: true,
        scalars: {
          DateTime: "string",
          NaiveDate: "string",
        },
      },
    },
  },
};
