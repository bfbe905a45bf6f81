"""Seeded generator of news stories over hand-written pools, for the fixture web's filler.

Why generated: the web needs dozens of distinct, real-sounding stories (more with `scale`),
and dedup tests need distinct stories to be far apart (word 5-shingle Jaccard well under
0.2). Each story draws its facts (place, body, people, figures) at random and its
sentences from decks that are dealt without replacement across the whole web, so two
stories rarely share a sentence template and never share the filled-in facts. Every
name, place and sentence here is invented for wirelake.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CITIES = [
    "Riverton", "Oakmere", "Ashford Falls", "Port Callan", "Brindle", "Lowry Heights", "Kestrel Bay",
    "Marlow Junction", "Halden", "Eastvale", "Corwin Springs", "Tamsin", "Greywater", "Pellham Ridge",
    "North Aubrey", "Sallow Creek", "Dunmore Flats", "Westbury Point",
]
COUNTIES = ["Calder County", "Ostrey County", "Marrow County", "Fenwick County", "Lysander County", "Hollin County"]
STREETS = [
    "Juniper Avenue", "Old Mill Road", "Harbor Street", "Canal Boulevard", "Fennimore Lane", "Quarry Road",
    "Seventh Street", "Lantern Way", "Bellweather Drive", "Ironbridge Road", "Saltmarsh Parkway", "Cedar Row",
]
NEIGHBORHOODS = [
    "the Flats", "Millbrook", "the Eastside", "Crane Hill", "Upper Tamsin", "the Old Port", "Linden Park",
    "Foundry Row", "Gallows Green", "Southgate",
]
FIRST_NAMES = [
    "Delia", "Marcus", "Ingrid", "Tobias", "Renata", "Augustin", "Priyanka", "Lionel", "Maribel", "Corwin",
    "Odette", "Bartholomew", "Yusra", "Fintan", "Celestine", "Emeka", "Harriet", "Joaquin", "Solveig", "Desmond",
    "Noor", "Percival", "Lucinda", "Kwame", "Agnieszka", "Thaddeus", "Rosalind", "Ignatius", "Wren", "Osric",
]
LAST_NAMES = [
    "Okafor", "Vandermeer", "Ashgrove", "Pellegrini", "Strand", "Whitcombe", "Nakashima", "Delacroix-Moss",
    "Halloran", "Ferreira-Lund", "Brackenridge", "Oyelaran", "Castellanos", "Thorvaldsen", "Quist", "Marchetti",
    "Abernathy", "Sorensen-Hale", "Mbeki-Grant", "Tolliver", "Prentiss", "Kowalczyk", "Amadi", "Wexford",
    "Lindqvist", "Barraclough", "Esposito", "Hargreave", "Iwasaki", "Rowntree",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["July", "August", "September", "October", "November", "December", "January", "March"]

# Topic vocabulary: who acts, on what, and who pushes back. Sentences below use these slots.
TOPICS: dict[str, dict[str, list[str]]] = {
    "transit": {
        "section": ["Transportation"],
        "agency": ["the Regional Transit Authority", "the Metro Bus Commission", "the state Department of Transportation"],
        "project": ["the Eastline light-rail extension", "a bus rapid transit corridor along {street}",
                    "a fare-free pilot on the crosstown routes", "the rebuild of the {street} interchange",
                    "a late-night bus network for shift workers", "protected bike lanes on {street}"],
        "official_title": ["transit authority chair", "the agency's chief planner", "the transportation secretary"],
        "critic_title": ["a member of the riders' union", "a trucking industry lobbyist", "a council member who opposed the plan"],
        "headline": ["{Agency} backs {project_short} despite cost worries", "Riders in {city} split over {project_short}",
                     "{project_short_cap} wins key vote in {city}", "Delay for {project_short} as costs reach {amount}"],
    },
    "budget": {
        "section": ["Politics"],
        "agency": ["the City Council", "the {county} Board of Supervisors", "the state Senate Finance Committee"],
        "project": ["next year's operating budget", "a plan to close a {amount} shortfall",
                    "a proposed half-cent sales tax", "a hiring freeze across city departments",
                    "a cut to library branch hours", "a new fee on short-term rentals"],
        "official_title": ["the council's budget chair", "the county administrator", "the finance committee chair"],
        "critic_title": ["a taxpayer advocate", "the head of the municipal employees' union", "a dissenting supervisor"],
        "headline": ["{city} budget fight ends with {project_short}", "Lawmakers clash over {project_short}",
                     "{Agency} approves {project_short} after long night", "Shortfall forces {city} to weigh {project_short}"],
    },
    "schools": {
        "section": ["Education"],
        "agency": ["the {city} Unified School District board", "the state Board of Education", "the {county} school trustees"],
        "project": ["a plan to merge two elementary schools", "later start times for high schools",
                    "a {amount} bond for classroom repairs", "a new teacher pay scale",
                    "free breakfast for every student", "a four-day school week for rural campuses"],
        "official_title": ["the superintendent", "the board president", "the deputy education commissioner"],
        "critic_title": ["a parent organizer", "the president of the teachers' association", "a trustee who voted no"],
        "headline": ["Parents push back on {project_short}", "{Agency} narrowly approves {project_short}",
                     "What {project_short} means for {city} families", "{project_short_cap} heads to voters in {month}"],
    },
    "water": {
        "section": ["Environment"],
        "agency": ["the Municipal Water District", "the {county} Utilities Commission", "the state Water Resources Board"],
        "project": ["the replacement of lead service lines", "a rate increase to fund pipe repairs",
                    "a new reservoir intake near {city}", "mandatory watering limits for the summer",
                    "a recycled-water plant on the river flats", "meters for every private well in {county}"],
        "official_title": ["the district's general manager", "the utilities commissioner", "the board's vice chair"],
        "critic_title": ["a ratepayer advocate", "a farmer who irrigates along the river", "an environmental attorney"],
        "headline": ["Water bills set to climb under {project_short}", "{Agency} moves ahead with {project_short}",
                     "{city} residents question {project_short}", "Drought rules bring {project_short} to {city}"],
    },
    "housing": {
        "section": ["Local"],
        "agency": ["the Housing and Planning Commission", "the {city} zoning board", "the state housing finance agency"],
        "project": ["a 240-unit apartment complex on {street}", "an end to single-family-only zoning",
                    "a rent stabilization ordinance", "the redevelopment of the old foundry site in {neighborhood}",
                    "backyard cottages on residential lots", "a shelter for families on {street}"],
        "official_title": ["the planning director", "the commission chair", "the mayor's housing adviser"],
        "critic_title": ["a neighborhood association president", "a landlord who owns several buildings", "a tenant organizer"],
        "headline": ["Neighbors fight {project_short}", "{Agency} clears way for {project_short}",
                     "Housing shortage drives push for {project_short}", "{project_short_cap} stalls amid lawsuit threat"],
    },
    "courts": {
        "section": ["Politics"],
        "agency": ["the state Court of Appeals", "a {county} Superior Court judge", "the state Supreme Court"],
        "project": ["a challenge to the county's new district map", "the state's limits on campaign donations",
                    "a lawsuit over the closure of {city} General Hospital", "the governor's emergency spending order",
                    "the city's ban on camping in parks", "a dispute over the county jail contract"],
        "official_title": ["the attorney general", "the county counsel", "a lawyer for the state"],
        "critic_title": ["the lead plaintiff", "a civil liberties lawyer", "a law professor who filed a brief"],
        "headline": ["Court weighs {project_short}", "Judges side with state on {project_short}",
                     "Ruling upends {project_short}", "Appeal filed over {project_short}"],
    },
    "health": {
        "section": ["Health"],
        "agency": ["the {county} Health Department", "the state Department of Health", "the {city} hospital authority"],
        "project": ["a new community clinic in {neighborhood}", "extended hours at the county's urgent care sites",
                    "a mobile dental program for rural schools", "the plan to reopen the maternity ward in {city}",
                    "a crisis line staffed around the clock", "free flu shots at pharmacies in {neighborhood}"],
        "official_title": ["the county health officer", "the hospital authority's chief executive", "the state epidemiologist"],
        "critic_title": ["a nurse who has worked in the county for two decades", "a patient advocate", "a rural physician"],
        "headline": ["{city} gets {project_short}", "Health officials defend {project_short}",
                     "Staffing gaps threaten {project_short}", "{Agency} unveils {project_short}"],
    },
    "environment": {
        "section": ["Environment"],
        "agency": ["the Department of Natural Resources", "the {county} Parks District", "the state Coastal Commission"],
        "project": ["restoration of the Tamsin Creek wetlands", "a ban on new wells near the estuary",
                    "a controlled burn program in the foothills above {city}", "the cleanup of the old rail yard",
                    "a fish ladder at the Harlan Dam", "new limits on leaf blowers in {city}"],
        "official_title": ["the parks district director", "the natural resources secretary", "the commission's lead scientist"],
        "critic_title": ["a rancher whose land borders the site", "a birding club organizer", "a developer with a stalled project nearby"],
        "headline": ["State signs off on {project_short}", "{project_short_cap} draws praise and worry",
                     "Cost of {project_short} doubles", "Why {city} is betting on {project_short}"],
    },
    "elections": {
        "section": ["Politics"],
        "agency": ["the {county} elections office", "the Secretary of State's office", "the state canvassing board"],
        "project": ["new ballot drop boxes in {city}", "a hand count of the primary results",
                    "a redesigned mail ballot envelope", "the purge of inactive voter records",
                    "early voting on weekends in {city}", "a new map of county commission districts"],
        "official_title": ["the county clerk", "the secretary of state", "the registrar of voters"],
        "critic_title": ["a voting rights organizer", "the county party chair", "a candidate who narrowly lost"],
        "headline": ["Voters will see {project_short}", "Officials defend {project_short}",
                     "{Agency} orders {project_short}", "Fight over {project_short} reaches the capitol"],
    },
    "port": {
        "section": ["Economy"],
        "agency": ["the Port Commission", "the Harbor Authority", "the state Maritime Board"],
        "project": ["dredging of the inner harbor channel", "a new container crane at Pier 6",
                    "the conversion of the old ferry terminal", "shore power for cruise ships docking at {city}",
                    "a cold-storage warehouse on the east pier", "new fees for private marinas"],
        "official_title": ["the port director", "the harbor master", "the commission president"],
        "critic_title": ["a longshore union steward", "a fishing boat captain", "a waterfront restaurant owner"],
        "headline": ["Port bets {amount} on {project_short}", "{project_short_cap} splits the waterfront",
                     "{Agency} approves {project_short}", "Shippers welcome {project_short}"],
    },
}

# Sentence pools by role. Slots: {agency} {project} {city} {city2} {county} {street} {neighborhood}
# {official} {official_last} {official_title} {critic} {critic_last} {critic_title} {resident}
# {resident_last} {amount} {amount2} {amount3} {count} {pct} {years} {months} {vote_for} {vote_against}
# {weekday} {month}.
LEADS = [
    "{agency} voted {vote_for} to {vote_against} on {weekday} to approve {project}, ending months of debate over how {city} should pay for it.",
    "After three public hearings and a session that ran past midnight, {agency} on {weekday} signed off on {project}.",
    "{agency} put off a decision on {project} on {weekday}, saying members needed more time to study costs that have climbed to {amount}.",
    "Officials in {city} unveiled {project} on {weekday}, calling it the largest investment of its kind in {county} in a generation.",
    "In a split vote on {weekday}, {agency} rejected {project}, sending planners back to the drawing board for the second time this year.",
    "Residents filled a meeting of {agency} on {weekday} night to argue over {project}, which supporters call overdue and opponents call reckless.",
    "{city} will move ahead with {project} after {agency} cleared the last procedural hurdle on {weekday}.",
    "State auditors on {weekday} questioned how {agency} has handled {project}, finding that spending ran {pct} percent over early estimates.",
    "The long-stalled fight over {project} took a new turn on {weekday} when {agency} released a revised plan that trims its price to {amount}.",
    "For the first time in nearly a decade, {agency} has agreed to revisit {project}, a move that caught several members by surprise on {weekday}.",
    "Leaders in {city} and {city2} on {weekday} struck a tentative deal on {project}, though the agreement still needs a vote from {agency}.",
    "A report released {weekday} by {agency} found that {project} could reach about {count} households, far more than its backers had claimed.",
]
DETAILS = [
    "The agreement also creates an oversight panel of five residents appointed by the mayor and the county.",
    "Officials said the first phase would focus on the areas with the most complaints over the past three years.",
    "Most of the money would be spent in the first {years} years, with smaller amounts set aside for upkeep afterward.",
    "The vote was the third on the subject since January, and the closest so far.",
    "A contractor has not been chosen, and officials said bids would be opened in {month}.",
    "The decision reverses a recommendation made by the agency's own staff less than a year ago.",
    "Backers had hoped for a decision last fall, but talks with the state over matching funds dragged on.",
    "The resolution also asks the state for an exemption from rules that would otherwise require a lengthy review.",
    "The measure sets aside {amount} over the next {years} years and directs staff to report back by {month}.",
    "Under the plan, work would begin in {month} and is expected to last roughly {months} months.",
    "A staff report put the total price at {amount}, about {pct} percent more than the figure presented last spring.",
    "Supporters say the change will touch some {count} households across {city} and neighboring {city2}.",
    "The proposal would be paid for with a mix of state grants, reserve funds and a {amount2} loan.",
    "Members attached several conditions, including quarterly progress reports and an independent review of contracts.",
    "The final version drops a provision that would have required a second public vote in {month}.",
    "Staff members told the board that waiting another year would add at least {amount3} to the bill.",
    "Nearly {count} people submitted written comments before the vote, according to the clerk's office.",
    "The plan covers {neighborhood} first, with other parts of {city} to follow if money allows.",
]
QUOTES = [
    "I came into this job skeptical, and the data changed my mind",
    "We are going to make mistakes, and when we do, people will hear about them from us first",
    "Some of my colleagues wanted to go bigger and some wanted to wait, and I think we landed in the right spot",
    "People in {city} do not want speeches. They want to see the work happening on their street",
    "This plan is about the next twenty years, not the next election",
    "We spent months walking neighborhoods and knocking on doors, and that is where this idea came from",
    "It is easy to be against something when you do not have to offer anything in its place",
    "We are finally treating this like the emergency it has been for a long time",
    "My phone has not stopped ringing for weeks, and most of the calls were from people asking us to act",
    "I would rather defend a vote to fix something than explain why we let it get worse",
    "This is not the flashiest thing we will do this year, but it may be the thing people notice most in ten years",
    "We listened to every person who came to the microphone, and the plan is better because of them",
    "Nobody here pretends the numbers are easy. We picked the least painful path we could find",
    "If we wait for a perfect plan, we will be having this same argument when my grandchildren are in charge",
    "The families in {neighborhood} have waited long enough, and I was not willing to ask them to wait another season",
    "We owe people an honest accounting of what this costs and what it buys, and that is what this vote does",
    "I understand the frustration, but doing nothing has a price too, and it is usually a higher one",
    "Every dollar in this plan has a name next to it, and I will personally answer for each one",
    "The question was never whether we needed this. The question was whether we had the nerve to pay for it",
    "We are not asking anyone to trust us blindly. The reports will be public, and people can hold us to them",
    "This community has shown up again and again, and today the board finally showed up for it",
    "There will be bumps along the way, and I would rather say that now than apologize for it later",
    "We ran the numbers four different ways and kept landing in the same place",
    "My job is to leave this system in better shape than I found it, and this gets us a good part of the way",
]
CRITIC_QUOTES = [
    "There was never a real alternative on the table, so calling this a choice is a stretch",
    "I want the problem solved as much as anyone, but I have seen this movie before and I know how it ends",
    "The people making this decision will not be the ones sitting in traffic or paying the higher bills",
    "If the plan needs this many conditions attached, maybe it was not ready for a vote",
    "Every time we ask for the full numbers, we get a summary and a promise",
    "They found money for this in a matter of weeks, but the library has been asking for a new roof for years",
    "Nobody from the agency ever came to our neighborhood to explain any of it",
    "We are being asked to trust the same office that told us the last project would come in on budget",
    "They keep calling it an investment, but nobody can tell me when we will see a return",
    "The people who will pay the most for this were the last ones anybody bothered to ask",
    "I have sat through six of these meetings and I still could not tell you who is accountable if it goes wrong",
    "This is a good idea wrapped in a bad contract, and the contract is what we will be living with",
    "They rushed this through before the summer break because they knew the opposition was growing",
    "Nobody is against fixing the problem. We are against paying twice for a fix that has failed before",
    "The estimates have changed three times since winter, and each time they went in only one direction",
    "Small businesses on {street} will carry the burden while the benefits land somewhere else",
    "If the plan is as strong as they say, they should have no trouble putting it to a public vote",
    "What worries me is not this year. It is year five, when the grant money runs out",
    "They treated the public comment period like a box to check rather than a conversation",
    "We were promised a seat at the table and got a seat in the audience instead",
]
SAY = [
    "{official}, {official_title}, said after the vote.",
    "said {official}, {official_title}.",
    "{official} told reporters afterward.",
    "{official_last} said in an interview.",
]
CRITIC_SAY = [
    "said {critic}, {critic_title}.",
    "{critic}, {critic_title}, told the board during public comment.",
    "said {critic}, who has followed the issue for years.",
]
BACKGROUND = [
    "The last comprehensive review of the system was completed before most of the current board members took office.",
    "A citizens' committee spent eighteen months on the question and delivered a report that was largely shelved.",
    "Federal money that became available after {years_ago} revived interest in the idea after years of inaction.",
    "The same proposal failed by a single vote two years ago, when the board had a different makeup.",
    "Officials in {county} have tried several smaller fixes over the years, none of which lasted more than a few seasons.",
    "Complaints to the city's help line about the problem have roughly doubled since {years_ago}.",
    "The agency was reorganized in {years_ago} after a scandal over contracting, and its current leaders have promised more openness.",
    "A lawsuit filed by residents of {neighborhood} in {years_ago} forced the issue onto the agenda, though it was later settled.",
    "The debate dates back to {years_ago}, when a consultant's study warned that {city} was falling behind similar cities in {county}.",
    "An earlier version of the plan collapsed in {years_ago} after a key grant was withdrawn at the last minute.",
    "{city} has grown by roughly {pct} percent over the past decade, putting pressure on systems built for a much smaller town.",
    "The issue became a flashpoint during last fall's campaign, when several candidates promised to revisit it.",
    "Neighboring {city2} adopted a similar approach in {years_ago} and has since reported mixed results.",
    "Until now, responsibility for the work has been split among three agencies, which critics blamed for years of delay.",
    "A grand jury report in {years_ago} faulted the county for letting maintenance slide while costs mounted.",
    "State lawmakers set aside money for projects like this one in {years_ago}, but much of it has gone unspent.",
    "Residents of {neighborhood} first raised the problem at a packed town hall more than a decade ago.",
    "The original cost estimate, drafted before a run of inflation in construction materials, was less than half of today's figure.",
]
NUMBERS = [
    "Roughly {count} residents live within a mile of the affected area, according to census estimates.",
    "The average cost per household works out to about ${small} a year over the life of the plan.",
    "Spending on the program has grown from {amount3} to {amount2} over five years, budget documents show.",
    "Fewer than {small} of the agency's employees are assigned to the work full time.",
    "Comparable projects elsewhere in the state have cost between {amount3} and {amount}, according to a staff memo.",
    "The agency received {count} complaints last year, up from roughly half that number in {years_ago}.",
    "According to figures released by {agency}, the average household would see an increase of about ${small} a month.",
    "Officials estimate the work will create around {count} temporary jobs and {small} permanent positions.",
    "The budget office projects savings of {amount3} a year once the changes are fully in place.",
    "Of the {count} people who answered a survey last winter, a little over half said they favored the idea.",
    "Reserves would fall to about {pct} percent of annual spending, below the level recommended by the state.",
    "The agency has already spent {amount2} on design and environmental review, records show.",
    "About {pct} percent of the money is expected to come from federal sources, with the rest raised locally.",
]
CONTEXT = [
    "Similar debates are under way in at least three other cities in the state, according to the league of municipalities.",
    "Members said they expect to revisit the details after the first year, once there is data to review.",
    "The chair called a short recess after a heated exchange between two members over the timeline.",
    "The decision also drew attention from state lawmakers, two of whom attended the meeting in person.",
    "Several residents who spoke had never addressed the board before, according to the clerk.",
    "A local advocacy group livestreamed the meeting, and hundreds of people followed along online.",
    "The meeting was moved to a high school auditorium after organizers expected more people than the chamber could hold.",
    "Staff said the agency would hire an outside firm to track whether the plan meets its goals.",
    "The vote comes as cities across the region wrestle with rising costs and aging infrastructure.",
    "Several members said they were swayed by testimony from residents who described years of frustration.",
    "Two members abstained, citing potential conflicts of interest involving family business ties.",
    "The board's decision is likely to shape this fall's elections, when four of its seats are on the ballot.",
    "Business groups have largely stayed neutral, though the chamber of commerce asked for a slower timeline.",
    "The governor's office has signaled it would support the plan but has not committed any new money.",
    "Turnout at the hearings was unusually high, with people lining up outside the chamber well before the doors opened.",
    "Legal challenges remain possible, and at least one group has retained a lawyer to review the decision.",
]
NEXT_STEPS = [
    "Construction bids are due in {month}, and the agency hopes to award a contract before the end of the year.",
    "A committee will draft rules for the program over the summer and present them for a vote in {month}.",
    "Residents can submit comments through the agency's website until the end of next month.",
    "The next public hearing is set for {month} at the main library in {city}.",
    "A final vote is scheduled for {month}, after a second round of public hearings.",
    "Staff will return with detailed contracts within {months} months, and construction could start next year.",
    "The plan now goes to {agency2}, which must sign off before any money is spent.",
    "Officials said they would post progress reports online and hold quarterly meetings in {neighborhood}.",
    "Opponents have until {month} to gather the signatures needed to put the question on the ballot.",
    "The agency said it would begin notifying affected residents by mail within the next several weeks.",
]
CLOSERS = [
    "{resident}, who drives through {neighborhood} every day for work, shrugged when asked about the vote. “Wake me up when they break ground,” {resident_last} said.",
    "At the back of the room, {resident} folded a hand-lettered sign and headed for the exit. “We will be back next month,” {resident_last} said.",
    "{resident}, a nurse who lives near {street}, said the decision would shape where the family stays. “We love it here, but we have to be able to afford it,” {resident_last} said.",
    "“I have been coming to these meetings since my kids were in diapers,” said {resident}, a longtime resident of {city}. “They are in college now.”",
    "{resident}, who has lived in {neighborhood} for {years} years, was not convinced. \u201cI have heard promises like this before,\u201d {resident_last} said.",
    "Outside the meeting, {resident} said the outcome was a cautious reason for hope. \u201cIt is a start, and a start is more than we had,\u201d {resident_last} said.",
    "For {resident}, who runs a small shop on {street}, the stakes are personal. \u201cI just need to know what the next two years look like,\u201d {resident_last} said.",
    "{resident}, a retired teacher, plans to keep attending meetings. \u201cSomebody has to watch how the money gets spent,\u201d {resident_last} said.",
    "\u201cWe will be back in this room in a year, and we will find out who was right,\u201d {official_last} said as the meeting adjourned.",
    "{resident}, a parent of three in {neighborhood}, mostly felt relief. \u201cAt least now there is a plan on paper,\u201d {resident_last} said.",
]

# Topic-specific sentences: facts a reporter on that beat would add. Shared only within a topic.
COLOR: dict[str, list[str]] = {
    "transit": [
        "Ridership on the crosstown lines has recovered to about {pct} percent of its level before the pandemic, according to the authority's monthly counts.",
        "Bus drivers on the busiest routes in {city} now average more than eleven hours a week of overtime, a figure the drivers' union calls unsustainable.",
        "Engineers plan to add signal priority at {count} intersections so that buses can hold a green light a few seconds longer.",
        "The nearest rail station to {neighborhood} is a forty-minute walk away, and the last bus leaves just after 10 p.m.",
        "Fares have not changed since {years_ago}, and the agency covers less than a fifth of its operating costs at the farebox.",
        "A pilot shuttle tried along {street} two summers ago carried fewer passengers than planners hoped, which opponents still cite.",
        "Construction would close one lane of {street} for much of the work, and delivery trucks would be routed to side streets overnight.",
        "The authority's fleet includes buses that are more than eighteen years old, several of which broke down during the winter storms.",
    ],
    "budget": [
        "Public safety accounts for roughly {pct} percent of the general fund, the largest single share and the hardest to trim.",
        "The city has drawn on its rainy-day reserve in three of the past four years, leaving less room to absorb another bad quarter.",
        "Sales tax receipts came in below forecast for six straight months, driven largely by a slump in car and furniture sales.",
        "Pension contributions alone are set to rise by {amount3} next year under the state retirement system's new assumptions.",
        "Department heads were asked in February to propose cuts of five and ten percent, and several warned of longer wait times for permits.",
        "The last time voters approved a tax increase in {city} was in {years_ago}, and that measure passed by fewer than 300 votes.",
        "Auditors flagged a pattern of overtime spending in the parks and street departments that had gone unchecked for several years.",
        "Bond rating agencies have warned that another year of deficits could push borrowing costs higher for every project on the list.",
    ],
    "schools": [
        "Enrollment in the district has fallen by about {count} students since {years_ago}, leaving some classrooms half empty.",
        "Several buildings still rely on boilers installed in the 1960s, and two campuses closed early last winter when the heat failed.",
        "Teachers in the district earn less than their counterparts in {city2}, and the gap has made it harder to fill science and special education jobs.",
        "Bus routes would have to be redrawn under the plan, and some students in {neighborhood} would ride for nearly an hour each way.",
        "A survey of high school students found that most of them slept fewer than seven hours on school nights.",
        "The district spends about ${small} thousand a year maintaining a building that now serves fewer than two hundred children.",
        "Parents formed a group called Keep Our Schools Close and collected more than {count} signatures in three weeks.",
        "Test scores in reading have improved slightly since the pandemic, but math results remain well below where they were before.",
    ],
    "water": [
        "Roughly {count} homes in {city} are still connected to the main by lead pipes, most of them built before 1950.",
        "The river that supplies the district ran at its lowest level in four decades last August, forcing emergency pumping.",
        "Main breaks have become more frequent, with crews responding to nearly two a week during the coldest stretch of winter.",
        "The typical residential customer uses about {small} hundred gallons a day in summer, nearly double the winter average.",
        "Farmers along the lower river hold the oldest water rights in the basin and have threatened to sue over any new limits.",
        "Testing last year found elevated lead in a small share of homes, though the system as a whole met federal standards.",
        "A state grant would cover about {pct} percent of the cost, but only if construction begins before the end of next year.",
        "Customers in {neighborhood} reported brown water for days after a valve failure in March, prompting a flood of complaints.",
    ],
    "housing": [
        "Median rent in {city} has climbed about {pct} percent in five years, far faster than wages in the area.",
        "More than {count} households sit on the waiting list for subsidized apartments in the county, some for longer than three years.",
        "The site sat vacant for most of the past decade after a previous developer walked away during the last downturn.",
        "Neighbors worry about traffic on {street}, which already backs up during the morning school drop-off.",
        "Under current rules, nearly three quarters of residential land in the city is reserved for detached single-family homes.",
        "The developer has agreed to set aside a fifth of the units for households earning less than the area's median income.",
        "Eviction filings in the county rose sharply after a temporary moratorium ended, according to court records.",
        "Homeowners in {neighborhood} filed more than forty pages of objections, citing parking, shadows and the loss of mature trees.",
    ],
    "courts": [
        "The case was filed in {years_ago} and has bounced between courts on procedural questions ever since.",
        "Lawyers for the plaintiffs argued that the lines split {neighborhood} into three districts, diluting the votes of its residents.",
        "The three-judge panel spent much of the hearing questioning whether the court had the authority to order a remedy at all.",
        "A lower court judge sided with the plaintiffs last year but put her ruling on hold pending appeal.",
        "Several former officials filed briefs supporting the state, arguing that the legislature, not the courts, should settle the matter.",
        "The attorney general's office has spent about {amount3} defending the case, according to billing records obtained by reporters.",
        "The ruling does not take effect for thirty days, giving either side time to ask the full court to reconsider.",
        "Legal scholars said the decision could shape similar disputes in at least four other counties.",
    ],
    "health": [
        "The nearest hospital with a labor and delivery unit is now more than an hour's drive from {city}.",
        "Emergency room visits for conditions that could be treated in a clinic have risen by about {pct} percent since the old clinic closed.",
        "The county has struggled to recruit nurses, with {small} positions vacant for more than six months.",
        "Uninsured residents make up a larger share of the population in {neighborhood} than anywhere else in the county.",
        "State data show that fewer than half of children in the rural districts saw a dentist in the past year.",
        "Staff at the county's two urgent care sites handled about {count} visits last year, many of them after regular office hours.",
        "The building chosen for the clinic once housed a pharmacy and will need new plumbing and ventilation before it opens.",
        "A federal grant covers the first three years of operating costs, after which the county would need to find other money.",
    ],
    "environment": [
        "Biologists have counted fewer nesting herons along the creek in each of the past five surveys.",
        "The wetlands once covered about {count} acres, but farming and road building drained most of them over the past century.",
        "Groundwater levels near the estuary have dropped enough in dry summers to let salt water seep into some wells.",
        "A wildfire in the foothills three summers ago burned close to homes on the edge of {city} and forced hundreds to evacuate.",
        "Soil tests at the old rail yard found diesel and heavy metals at levels that rule out housing without a major cleanup.",
        "Volunteers have planted more than {count} native shrubs along the banks since {years_ago}, mostly on weekends.",
        "The project would reconnect the creek to its old flood plain, which engineers say would also ease flooding downstream.",
        "State scientists plan to monitor water quality monthly for at least five years after the work is done.",
    ],
    "elections": [
        "Turnout in the last county election was about {pct} percent, one of the lowest figures in two decades.",
        "About {count} mail ballots were rejected in the primary, most of them for missing or mismatched signatures.",
        "The county currently has only three drop boxes, all of them in or near the downtown government center.",
        "Election workers in {county} have faced a wave of records requests and harassment since the last presidential race.",
        "The office tested its counting machines in public last month, and observers from both parties signed off on the results.",
        "The margin in the disputed race was fewer than {small} votes out of more than forty thousand cast.",
        "Voters in {neighborhood} waited more than two hours at one polling place in November after a printer failed.",
        "State law requires a risk-limiting audit after every general election, but the rules for primaries are less clear.",
    ],
    "port": [
        "Container traffic through the port has grown by about {pct} percent since {years_ago}, straining the existing berths.",
        "Ships now wait offshore for as long as two days during peak season because the channel is too shallow at low tide.",
        "The old ferry terminal has been empty since service to the islands moved across the harbor, and its roof leaks.",
        "Idling cruise ships burn diesel for their power while docked, and residents near the pier have long complained about the fumes.",
        "The port employs about {count} people directly, and officials estimate several times that number depend on its traffic.",
        "Dredged sediment would be tested for contaminants before being reused to rebuild eroding marsh along the outer harbor.",
        "The fishing fleet shares the inner harbor with cargo traffic, and captains say the channel has grown more crowded each year.",
        "A new crane would be able to reach across ships two rows wider than the ones the port can handle today.",
    ],
}

_SUBJECTS = [f"{topic}|{project}" for topic in sorted(TOPICS) for project in TOPICS[topic]["project"]]


@dataclass
class Facts:
    """The concrete facts of one story; a follow-up story reuses them."""

    topic: str
    slots: dict[str, str]


@dataclass
class Story:
    headline: str
    paragraphs: list[str]
    section: str
    facts: Facts = field(repr=False)


def _person(rng: random.Random, taken: set[str]) -> str:
    """A name no earlier story used; at large scales (benchmarks) names start over."""
    if len(taken) >= len(FIRST_NAMES) * len(LAST_NAMES) // 2:
        taken.clear()
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken:
            taken.add(name)
            return name


def _money(rng: random.Random, low: float, high: float) -> str:
    value = rng.uniform(low, high)
    return f"${value:.1f} million" if value < 1000 else f"${value / 1000:.2f} billion"


def _capitalize(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


class Writer:
    """Deals sentences from shuffled decks so consecutive stories do not repeat templates."""

    def __init__(self, seed: str):
        self.rng = random.Random(seed)
        self._decks: dict[int, list[str]] = {}
        self._people: set[str] = set()

    def _deal(self, pool: list[str], used: set[str]) -> str:
        """The next template from the pool's deck that this story has not used yet."""
        deck = self._decks.setdefault(id(pool), [])
        while True:
            if not deck:
                deck.extend(pool)
                self.rng.shuffle(deck)
            template = deck.pop()
            if template not in used:
                used.add(template)
                return template

    def facts(self) -> Facts:
        rng = self.rng
        # (topic, project) pairs come from a deck too, so two stories rarely share their subject
        topic, project = self._deal(_SUBJECTS, set()).split("|")
        vocab = TOPICS[topic]
        city, city2 = rng.sample(CITIES, 2)
        county = rng.choice(COUNTIES)
        street = rng.choice(STREETS)
        slots = dict(city=city, city2=city2, county=county, street=street, neighborhood=rng.choice(NEIGHBORHOODS),
                     amount=_money(rng, 3, 900), amount2=_money(rng, 0.4, 20), amount3=_money(rng, 0.2, 9))
        agency, agency2 = rng.sample(vocab["agency"], 2)
        official, critic, resident = (_person(rng, self._people) for _ in range(3))
        vote_for = rng.randint(4, 7)
        slots.update(
            agency=agency.format(**slots), agency2=agency2.format(**slots), project=project.format(**slots),
            official=official, official_last=official.split()[-1], official_title=rng.choice(vocab["official_title"]),
            critic=critic, critic_last=critic.split()[-1], critic_title=rng.choice(vocab["critic_title"]),
            resident=resident, resident_last=resident.split()[-1],
            count=f"{rng.randint(12, 480) * 25:,}",
            small=str(rng.randint(3, 60)), pct=str(rng.randint(6, 45)), years=str(rng.randint(3, 12)),
            months=str(rng.randint(8, 30)), vote_for=str(vote_for), vote_against=str(rng.randint(1, vote_for - 1)),
            weekday=rng.choice(WEEKDAYS), month=rng.choice(MONTHS), years_ago=str(rng.randint(2009, 2021)),
        )
        short = slots["project"].split(" along ")[0].split(" near ")[0].removeprefix("the ").removeprefix("a ")
        slots.update(project_short=short, project_short_cap=_capitalize(short), Agency=_capitalize(slots["agency"]))
        return Facts(topic, slots)

    def _fill(self, template: str, facts: Facts) -> str:
        return _capitalize(template.format(**facts.slots))

    def _quote(self, quotes: list[str], say: list[str], facts: Facts, used: set[str]) -> str:
        quote = self._fill(self._deal(quotes, used), facts)
        # the attribution continues the sentence after the quote, so it keeps its own case
        return f"\u201c{quote},\u201d {self._deal(say, used).format(**facts.slots)}"

    def story(self, facts: Facts | None = None) -> Story:
        """A story of 6 to 9 paragraphs in the usual news order; `facts` to write about known ones."""
        facts = facts or self.facts()
        used: set[str] = set()
        color = COLOR[facts.topic]
        s = lambda pool: self._fill(self._deal(pool, used), facts)  # noqa: E731 - one sentence from a deck
        body = [
            f"{s(LEADS)} {s(DETAILS)}",
            self._quote(QUOTES, SAY, facts, used),
            f"{s(color)} {s(BACKGROUND)}",
            f"{s(NUMBERS)} {s(color)}",
            self._quote(CRITIC_QUOTES, CRITIC_SAY, facts, used),
            f"{s(CONTEXT)} {s(DETAILS)}",
            s(NEXT_STEPS),
            s(CLOSERS),
            f"\u201c{s(QUOTES)},\u201d {facts.slots['official_last']} added.",
        ]
        body = body[: self.rng.randint(6, len(body))]
        headline = s(TOPICS[facts.topic]["headline"])
        return Story(headline, body, TOPICS[facts.topic]["section"][0], facts)
