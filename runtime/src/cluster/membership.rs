//! Membership without I/O: foca (SWIM) behind an envelope that carries
//! the cluster's name, so that a node of another `--cluster.name` is
//! refused before foca sees its packet. The caller delivers packets and
//! timers and carries out the `Effects` (sends, timers to arm).
//!
//! A node's state (viewer, participant, terminating) is part of its
//! identity: changing it is a new identity that wins over the old one
//! (a larger `bump`), which foca spreads as a rename.

use std::time::Duration;

use foca::{
    Config, Foca, Identity, NoCustomBroadcast, Notification, PostcardCodec, Runtime, Timer,
};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::PeerState;

/// Who a node is: its name (unique in the cluster, the ring's), its HTTP
/// address, a number that grows with each new identity, and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    pub addr: String,
    pub bump: u64,
    pub state: u8,
}

impl Member {
    /// Whom a join is sent to before its name is known: the receiver
    /// takes an announce to a nameless member as addressed to itself.
    pub fn at(addr: &str) -> Member {
        Member { name: String::new(), addr: addr.to_owned(), bump: 0, state: 0 }
    }

    pub fn peer_state(&self) -> PeerState {
        match self.state {
            1 => PeerState::Participant,
            2 => PeerState::Terminating,
            _ => PeerState::Viewer,
        }
    }
}

fn state_byte(state: PeerState) -> u8 {
    match state {
        PeerState::Viewer => 0,
        PeerState::Participant => 1,
        PeerState::Terminating => 2,
    }
}

impl Identity for Member {
    /// Names are unique: a newer identity of a name replaces the older.
    type Addr = String;

    /// Declared down (a pause, a partition), a node comes back at once
    /// as a newer identity.
    fn renew(&self) -> Option<Self> {
        Some(Member { bump: self.bump.wrapping_add(1), ..self.clone() })
    }

    fn addr(&self) -> String {
        self.name.clone()
    }

    fn win_addr_conflict(&self, adversary: &Self) -> bool {
        self.bump > adversary.bump
    }
}

/// What the caller must do after a call.
#[derive(Debug, Default)]
pub struct Effects {
    /// Packets (enveloped) for the HTTP address given.
    pub sends: Vec<(String, Vec<u8>)>,
    pub timers: Vec<(Timer<Member>, Duration)>,
    /// Whether the members may have changed.
    pub changed: bool,
    /// What happened, in the reference's event names (for its metric).
    pub events: Vec<&'static str>,
    cluster_name: String,
}

impl Runtime<Member> for Effects {
    fn notify(&mut self, notification: Notification<'_, Member>) {
        let event = match notification {
            Notification::MemberUp(_) => "node_join",
            Notification::MemberDown(_) => "node_leave",
            Notification::Rename(..) => "node_update",
            Notification::Rejoin(_) => "node_conflict",
            _ => return,
        };
        self.events.push(event);
        self.changed = true;
    }

    fn send_to(&mut self, to: Member, data: &[u8]) {
        self.sends.push((to.addr, seal(&self.cluster_name, data)));
    }

    fn submit_after(&mut self, event: Timer<Member>, after: Duration) {
        self.timers.push((event, after));
    }
}

/// A packet: the cluster name's length (one byte), the name, foca's data.
pub fn seal(cluster_name: &str, data: &[u8]) -> Vec<u8> {
    let name = &cluster_name.as_bytes()[..cluster_name.len().min(255)];
    let mut packet = Vec::with_capacity(1 + name.len() + data.len());
    packet.push(name.len() as u8);
    packet.extend_from_slice(name);
    packet.extend_from_slice(data);
    packet
}

/// Foca's data of a packet of this cluster, or why it is refused.
pub fn open<'a>(cluster_name: &str, packet: &'a [u8]) -> Result<&'a [u8], String> {
    let (&len, rest) = packet.split_first().ok_or("an empty gossip packet")?;
    let name = rest.get(..len as usize).ok_or("a truncated gossip packet")?;
    let mine = &cluster_name.as_bytes()[..cluster_name.len().min(255)];
    if name != mine {
        return Err(format!(
            "a packet of cluster {:?}, this node's --cluster.name is {:?}",
            String::from_utf8_lossy(name),
            cluster_name
        ));
    }
    Ok(&rest[len as usize..])
}

type Swim = Foca<Member, PostcardCodec, SmallRng, NoCustomBroadcast>;

/// The smallest cluster the timings are sized for.
const SMALLEST: u32 = 4;

pub struct Node {
    foca: Swim,
    cluster_name: String,
    /// The cluster size the timings are for (a power of two).
    sized_for: u32,
}

impl Node {
    pub fn new(this: Member, cluster_name: &str, config: Config, seed: u64) -> Node {
        let foca = Foca::new(this, config, SmallRng::seed_from_u64(seed), PostcardCodec);
        Node { foca, cluster_name: cluster_name.to_owned(), sized_for: SMALLEST }
    }

    /// Timings for a LAN, tuned so that a dead node is noticed in seconds,
    /// for a small cluster (`resize` grows them with the cluster).
    pub fn config() -> Config {
        Node::config_for(SMALLEST)
    }

    /// foca's LAN timings for `size` members: how often an update is
    /// passed on and how long a suspect has grow with the cluster, so
    /// that news of a dead node still reaches every member quickly.
    fn config_for(size: u32) -> Config {
        let size = std::num::NonZeroU32::new(size).unwrap_or(std::num::NonZeroU32::MIN);
        let mut config = Config::new_lan(size);
        config.max_packet_size = std::num::NonZeroUsize::new(64 * 1024).expect("not zero");
        config.periodic_announce = Some(foca::PeriodicParams {
            frequency: Duration::from_secs(10),
            num_members: std::num::NonZeroUsize::MIN,
        });
        config.periodic_announce_to_down_members = Some(foca::PeriodicParams {
            frequency: Duration::from_secs(5),
            num_members: std::num::NonZeroUsize::MIN.saturating_add(1),
        });
        config.remove_down_after = Some(Duration::from_secs(120));
        config
    }

    pub fn effects(&self) -> Effects {
        Effects { cluster_name: self.cluster_name.clone(), ..Effects::default() }
    }

    pub fn identity(&self) -> &Member {
        self.foca.identity()
    }

    /// A packet from the network (its envelope checked again here).
    pub fn handle_packet(&mut self, packet: &[u8], fx: &mut Effects) -> Result<(), String> {
        let data = open(&self.cluster_name, packet)?;
        let rewritten = self.readdress_announce(data);
        let data = rewritten.as_deref().unwrap_or(data);
        let handled = self.foca.handle_data(data, fx).map_err(|e| e.to_string());
        self.resize();
        handled
    }

    /// Sizes the timings for the members seen now, by powers of two (so
    /// that a member coming and going does not retune every time).
    fn resize(&mut self) {
        let members = self.member_count() as u32 + 1;
        let size = members.next_power_of_two().max(SMALLEST);
        if size != self.sized_for && self.foca.set_config(Node::config_for(size)).is_ok() {
            self.sized_for = size;
        }
    }

    /// An announce sent to a bare address, made out to this node.
    fn readdress_announce(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        use foca::Codec;
        let mut header: foca::Header<Member> = PostcardCodec.decode_header(data).ok()?;
        if header.message != foca::Message::Announce || !header.dst.name.is_empty() {
            return None;
        }
        header.dst = self.foca.identity().clone();
        let mut out = Vec::new();
        PostcardCodec.encode_header(&header, &mut out).ok()?;
        Some(out)
    }

    pub fn handle_timer(&mut self, timer: Timer<Member>, fx: &mut Effects) {
        if let Err(e) = self.foca.handle_timer(timer, fx) {
            tracing::debug!(err = %e, "cluster timer");
        }
    }

    /// Asks the node at `addr` to let this one in.
    pub fn announce(&mut self, addr: &str, fx: &mut Effects) {
        if let Err(e) = self.foca.announce(Member::at(addr), fx) {
            tracing::debug!(err = %e, addr, "cluster announce");
        }
    }

    /// Takes `state`, telling the cluster (a no-op when it is already so).
    pub fn set_state(&mut self, state: PeerState, fx: &mut Effects) {
        let this = self.foca.identity();
        if this.peer_state() == state {
            return;
        }
        let next =
            Member { bump: this.bump.wrapping_add(1), state: state_byte(state), ..this.clone() };
        if let Err(e) = self.foca.change_identity(next, &mut *fx) {
            tracing::debug!(err = %e, "cluster state change");
        }
        fx.changed = true;
    }

    /// Leaves: the cluster hears this node is gone.
    pub fn leave(&mut self, fx: &mut Effects) {
        if let Err(e) = self.foca.leave_cluster(&mut *fx) {
            tracing::debug!(err = %e, "cluster leave");
        }
        fx.changed = true;
    }

    /// The other live members.
    pub fn members(&self) -> Vec<Member> {
        self.foca.iter_members().map(|m| m.id().clone()).collect()
    }

    /// Whether `name` is among the other live members (without the
    /// copies of `members`: the simulation asks these of 200 nodes often).
    pub fn sees(&self, name: &str) -> bool {
        self.foca.iter_members().any(|m| m.id().name == name)
    }

    /// How many other live members this node sees.
    pub fn member_count(&self) -> usize {
        self.foca.iter_members().count()
    }
}

pub fn state_of(state: PeerState) -> u8 {
    state_byte(state)
}
