//! The Relay `Node` interface and `node(id:)`.

use async_graphql::{Context, ID, Interface, Object, Result};

use super::{
    access,
    accounts::types::User,
    capabilities::types::Capability,
    deals::types::Deal,
    ids::{self, NodeType},
    infrastructure::types::InfrastructureProject,
    loaders,
    meetings::types::Meeting,
    needs::types::Need,
    organizations::types::Organization,
    portfolio::types::PortfolioItem,
    regions::types::Region,
    science_cities::types::ScienceCity,
    sessions::types::Session,
};

/// An object with a global ID, refetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// A region.
    Region(Region),
    /// A science city.
    ScienceCity(ScienceCity),
    /// An organisation.
    Organization(Organization),
    /// A user.
    User(User),
    /// A technology need.
    Need(Need),
    /// A capability.
    Capability(Capability),
    /// A science-innovation session.
    Session(Session),
    /// A 1:1 meeting.
    Meeting(Meeting),
    /// A technology-transfer deal.
    Deal(Deal),
    /// An item of an organisation's portfolio.
    PortfolioItem(PortfolioItem),
    /// A science city's infrastructure project.
    InfrastructureProject(InfrastructureProject),
}

/// `node(id:)`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null when it does not exist or the caller may not see it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID from any Kopir object.")] id: ID,
    ) -> Result<Option<Node>> {
        let Some((kind, key)) = ids::decode(&id) else {
            return Err(crate::error::AppError::invalid("id", "not a Kopir ID").into());
        };
        let loaders = loaders(ctx)?;
        Ok(match kind {
            NodeType::Region => loaders
                .regions
                .load_one(key)
                .await?
                .map(|r| Node::Region(Region(r))),
            NodeType::ScienceCity => loaders
                .science_cities
                .load_one(key)
                .await?
                .map(|c| Node::ScienceCity(ScienceCity(c))),
            NodeType::Organization => loaders
                .organizations
                .load_one(key)
                .await?
                .map(|o| Node::Organization(Organization(o))),
            NodeType::Need => Need::load(ctx, key).await?.map(Node::Need),
            NodeType::Capability => Capability::load(ctx, key).await?.map(Node::Capability),
            NodeType::Session => loaders
                .sessions
                .load_one(key)
                .await?
                .map(|s| Node::Session(Session(s))),
            NodeType::Meeting => Meeting::load(ctx, key).await?.map(Node::Meeting),
            NodeType::Deal => Deal::load(ctx, key).await?.map(Node::Deal),
            NodeType::Invitation | NodeType::InfrastructureFinancing => None,
            NodeType::InfrastructureProject => InfrastructureProject::load(ctx, key)
                .await?
                .map(Node::InfrastructureProject),
            NodeType::PortfolioItem => PortfolioItem::load(ctx, key)
                .await?
                .map(Node::PortfolioItem),
            NodeType::User => {
                let their_orgs = loaders
                    .memberships_of
                    .load_one(key)
                    .await?
                    .unwrap_or_default();
                if !access(ctx)
                    .await?
                    .can_see_user(key, their_orgs.iter().map(|m| m.organization_id))
                {
                    return Ok(None);
                }
                loaders
                    .users
                    .load_one(key)
                    .await?
                    .map(|u| Node::User(User(u)))
            }
        })
    }
}
